package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
)

// fileURI renders path as an SQLite "file:" URI. In that form '%' starts an
// escape, '?' the query and '#' a fragment, so a file name holding any of
// them would open another file (or fail); they and control characters are
// percent-encoded, and SQLite decodes them back. An absolute path gets an
// empty authority ("file:///abs"), so one starting with "//" is never read
// as a host name.
func fileURI(path string) string {
	var b strings.Builder
	b.WriteString("file:")
	if filepath.IsAbs(path) {
		b.WriteString("//")
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c == '%' || c == '?' || c == '#' || c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
