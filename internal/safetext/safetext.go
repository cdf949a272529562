// Package safetext makes free text safe to show on a terminal, in a chat
// message or in the audit trail. Text that one person types (a deny
// reason) or a provider sends (an error body) is later printed on somebody
// else's terminal: an ESC, BEL or bidi override in it must never reach
// that terminal raw. Every free-text value passes through here, once.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether r must not be printed as is: C0 and C1 control
// characters (ESC, BEL, VT, FF, CR, LF, TAB...), DEL, the invisible format
// characters that reorder or hide text (bidi overrides, zero-width
// joiners), line and paragraph separators, private-use and unassigned
// code points, and the blank "letters" that render as nothing (Hangul
// fillers, the braille blank).
func Unsafe(r rune) bool {
	switch r {
	case utf8.RuneError, '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800':
		return true
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co) ||
		!unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z) // unassigned
}

// Check returns the first unsafe rune of s and true, or 0 and false. Input
// that will be stored and shown to others (reasons, names) is refused with
// it rather than silently changed.
func Check(s string) (rune, bool) {
	for _, r := range s {
		if Unsafe(r) {
			return r, true
		}
	}
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	return 0, false
}

// Line returns s as one printable line: every run of whitespace and unsafe
// characters becomes one space, the ends are trimmed, and when max > 0 the
// result is at most max bytes, cut on a rune boundary and ended with "…"
// when it was cut.
func Line(s string, max int) string {
	if (max <= 0 || len(s) <= max) && cleanASCII(s) {
		return s // the common case (a server name, a table cell): nothing to do
	}
	return line(s, max)
}

// line is Line without its shortcut.
func line(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || Unsafe(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if max > 0 && len(out) > max {
		ellipsis := "…"
		if max < len(ellipsis) {
			ellipsis = ""
		}
		cut := max - len(ellipsis)
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = strings.TrimRight(out[:cut], " ") + ellipsis
	}
	return out
}

// Quote names an unsafe rune for an error message: U+001B.
func Quote(r rune) string {
	const hex = "0123456789ABCDEF"
	b := []byte("U+")
	digits := 4
	if r > 0xFFFF {
		digits = 6
	}
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hex[(r>>(4*uint(i)))&0xF])
	}
	return string(b)
}

// cleanASCII reports whether Line would return s unchanged because it is
// printable ASCII with single spaces between words only.
func cleanASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || (c == ' ' && s[i+1] == ' ') {
			return false
		}
	}
	return true
}
