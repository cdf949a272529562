package chat

import (
	"strings"
	"unicode/utf8"

	"github.com/vpsops/vpsops/internal/safetext"
)

// Text someone typed or a provider sent, made fit for a chat message on
// any platform. No platform shows more than a few thousand characters of
// one text, so only the start of a longer value can show: cleaning stops
// there (a megabyte of provider error costs no more than a line), and the
// cut is marked.
const (
	maxLineInput = 16 << 10
	maxTextInput = 64 << 10
)

// OneLine is s as one printable line: free text never spans lines or
// carries control characters into a message.
func OneLine(s string) string { return safetext.Line(Bounded(s, maxLineInput), 0) }

// TextLines cleans each line of multi-line text (a result's text) and drops
// blank lines at its ends.
func TextLines(s string) []string {
	var out []string
	for _, l := range strings.Split(Bounded(s, maxTextInput), "\n") {
		out = append(out, OneLine(l))
	}
	for len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// Bounded is the first n bytes of s, cut between runes and marked as cut.
func Bounded(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// CodeSafe keeps s inside a code span or block: a backtick in it would end
// the code early, so it becomes the modifier letter grave accent, which
// looks the same and ends nothing.
var CodeSafe = strings.NewReplacer("`", "\u02cb").Replace
