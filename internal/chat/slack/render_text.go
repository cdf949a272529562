package slack

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// Text for Slack. Everything a person typed or a provider sent (a server
// name, a deny note, an error body) reaches a channel through these
// helpers: cleaned to printable lines (safetext), with Slack's three
// control characters escaped, so "<!channel>" or "<https://e|x>" is shown
// as typed and never pings or links, and cut to fit on a rune boundary.
//
// Slack has no escape for its formatting characters (* _ ~ `): in a field
// "*x*" shows in bold. That is cosmetic; what matters is that no value can
// leave the text object it is in, and inside code (tables, usage lines) a
// backtick could, so there it is replaced by a look-alike (codeSafe).

// mdEscape makes s literal mrkdwn: Slack's escaping is these three entities
// and nothing else.
var mdEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// cutMark ends a text cut to fit.
const cutMark = "…"

// mdClip escapes s and cuts the result to at most max (as Slack counts, see
// textLen), ending it with cutMark when cut. It cuts between runes of s,
// so never inside a UTF-8 sequence or an entity.
func mdClip(s string, max int) string {
	e := mdEscape(s)
	if textLen(e) <= max {
		return e
	}
	n, room, cut := 0, max-textLen(cutMark), len(s)
	for i, r := range s {
		if n += escapedLen(r); n > room {
			cut = i
			break
		}
	}
	return strings.TrimRight(mdEscape(s[:cut]), " ") + cutMark
}

// escapedLen is how long r is once escaped, as Slack counts.
func escapedLen(r rune) int {
	switch r {
	case '&':
		return len("&amp;")
	case '<', '>':
		return len("&lt;")
	}
	return utf16.RuneLen(r)
}

// mdCut cuts text that is already mrkdwn (escaped) to max, between
// runes and never inside an entity.
func mdCut(s string, max int) string {
	if textLen(s) <= max {
		return s
	}
	n, room, cut := 0, max-textLen(cutMark), len(s)
	for i, r := range s {
		if n += utf16.RuneLen(r); n > room {
			cut = i
			break
		}
	}
	s = s[:cut]
	if amp := strings.LastIndexByte(s, '&'); amp >= 0 && !strings.Contains(s[amp:], ";") {
		s = s[:amp] // a cut entity would show as "&l"
	}
	return s + cutMark
}

// The text helpers every chat renderer shares (package chat).
var (
	oneLine   = chat.OneLine
	textLines = chat.TextLines
	bounded   = chat.Bounded
	codeSafe  = chat.CodeSafe
)

// mdText is a mrkdwn text object. Verbatim stops Slack from turning bare
// URLs and #channel names in it into links; mentions and dates we write
// out in full still work.
func mdText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

// plainText is a plain text object (headers, button labels). Slack decodes
// the three entities there too, so it is escaped like mrkdwn.
func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// Mention renders a principal: "slack:T1:U2" → "<@U2>", which Slack shows
// as the person's name; any other principal as escaped plain text.
func Mention(p commands.Principal) string {
	parts := strings.Split(string(p), ":")
	if len(parts) == 3 && parts[0] == "slack" && looksLikeSlackID(parts[1]) && looksLikeSlackID(parts[2]) {
		return "<@" + parts[2] + ">"
	}
	return mdClip(oneLine(string(p)), 100)
}

// looksLikeSlackID reports whether s looks like a Slack id (T0123ABCD,
// U0456EFGH): only such an id goes between "<@" and ">".
func looksLikeSlackID(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// dateToken is t as Slack shows it in each reader's own time zone, with
// the command layer's UTC wording for clients that cannot.
func dateToken(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), commands.ShowTime(t))
}

// progressBar draws a percentage as ten cells in a code span:
// "`████░░░░░░`".
func progressBar(percent int) string {
	percent = min(max(percent, 0), 100)
	full := (percent + 5) / 10
	return "`" + strings.Repeat("█", full) + strings.Repeat("░", 10-full) + "`"
}

// progressLine is a step as one mrkdwn line: a bar when the provider gives
// a figure, then the command layer's words ("42% installing").
func progressLine(p commands.Progress) string {
	s := mdClip(oneLine(p.String()), 500)
	if p.Percent >= 0 {
		s = progressBar(p.Percent) + " " + s
	}
	return s
}

// elapsedText writes how long a step has run, to the second: "42s", "1m05s",
// "1h02m05s".
func elapsedText(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}
