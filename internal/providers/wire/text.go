package wire

import (
	"net/url"
	"slices"
	"strings"

	"github.com/vpsops/vpsops/internal/safetext"
)

// MaxText is how many bytes of a provider's own text a message keeps.
const MaxText = 200

// Redacted replaces a secret in provider text.
const Redacted = "[redacted]"

// CleanText makes text a provider sent (an error message, a transport
// error) fit for a user message, the audit trail and the log.
//
// The order matters. Every secret is cut out first, of the raw text and
// before anything else touches it: normalising first (collapsing
// whitespace, dropping control characters) would change a secret that
// holds a tab or two spaces, and the changed copy would no longer match
// and would be shown. Each secret is matched as given and URL-encoded
// (providers echo form values), longest first, so a secret that contains
// another is not left half visible. Then each of patterns may redact
// what is shaped like a credential (a token, another key). Last, the text
// becomes one safe line (safetext.Line: no ESC, no bidi override) of at
// most MaxText bytes.
func CleanText(s string, secrets []string, patterns ...func(string) string) string {
	all := make([]string, 0, 2*len(secrets))
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		all = append(all, sec)
		if enc := url.QueryEscape(sec); enc != sec {
			all = append(all, enc)
		}
		if enc := url.PathEscape(sec); enc != sec {
			all = append(all, enc)
		}
	}
	slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) })
	for _, sec := range all {
		s = strings.ReplaceAll(s, sec, Redacted)
	}
	for _, p := range patterns {
		s = p(s)
	}
	return safetext.Line(s, MaxText)
}
