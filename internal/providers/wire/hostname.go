package wire

import "strings"

// ValidHostname reports whether h is a fully qualified DNS host name, as
// a PTR record needs: at least two dot-separated labels of ASCII letters,
// digits and inner hyphens, each at most 63 bytes, at most 253 in all,
// with an optional trailing dot. A PTR pointing at a bare label is a
// mistake, so one label is refused.
func ValidHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	labels := 0
	for label := range strings.SplitSeq(h, ".") {
		labels++
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return labels >= 2
}
