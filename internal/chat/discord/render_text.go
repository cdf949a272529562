package discord

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// Text for Discord. Everything a person typed or a provider sent (a server
// name, a deny note, an error body) reaches a channel through these
// helpers: cleaned to printable lines (safetext), with Discord's markdown
// escaped so that "**x**", "[click](https://evil)", "# big" or "<@&role>"
// shows as typed and never formats, links or names anyone, and cut to fit
// on a rune boundary, never between a backslash and what it escapes.
// Pings are stopped apart from the text, by the message's allowed
// mentions (see Render): escaping is for what a reader sees.

// cutMark ends a text cut to fit.
const cutMark = "…"

// escapedRunes is s as Discord markdown that shows s literally: one piece
// per rune of s, so a cut between pieces never splits an escape. s is one
// line: what starts a line (a heading, a list, a quote) is escaped at its
// start.
func escapedRunes(s string) []string {
	rs := []rune(s)
	out := make([]string, 0, len(rs))
	lineStart := true // only spaces so far
	digits := false   // "12" so far: "12. " would start a list
	for i, r := range rs {
		piece := string(r)
		switch {
		case strings.ContainsRune("\\*_~`|<>[]", r):
			piece = `\` + piece
		case lineStart && (r == '#' || r == '-' || r == '+'):
			piece = `\` + piece
		case digits && r == '.' && (i+1 == len(rs) || rs[i+1] == ' '):
			piece = `\.`
		}
		out = append(out, piece)
		digits = (lineStart || digits) && r >= '0' && r <= '9'
		lineStart = lineStart && r == ' '
	}
	return out
}

// mdClip escapes s (one line) and cuts the result to at most max
// characters, ending it with cutMark when cut.
func mdClip(s string, max int) string { return clipPieces(escapedRunes(clipInput(s, max)), max, false) }

// lineClip is s as one escaped line of at most max characters. Only the
// start of a long s can show, so no more of it is cleaned.
func lineClip(s string, max int) string { return mdClip(oneLine(bounded(s, 4*max+8)), max) }

// clipInput is as much of s as a clip to max can show: a character takes
// at most 3 bytes for each unit textLen counts, so a longer s is cut
// anyway, and escaping all of it would be wasted.
func clipInput(s string, max int) string { return bounded(s, 3*max+8) }

// clipPieces joins pieces, cutting between them to fit max and marking
// the cut. With spans, a "`" piece opens or closes a code span, and a cut
// inside one closes it.
func clipPieces(pieces []string, max int, spans bool) string {
	total := 0
	for _, p := range pieces {
		total += textLen(p)
	}
	if total <= max {
		return strings.Join(pieces, "")
	}
	room := max - textLen(cutMark)
	var kept []string
	n, inCode := 0, false
	for _, p := range pieces {
		open := inCode
		if spans && p == "`" {
			open = !inCode
		}
		need := n + textLen(p)
		if open {
			need++ // the backtick that closes the span at the cut
		}
		if need > room {
			break
		}
		kept = append(kept, p)
		n, inCode = n+textLen(p), open
	}
	if inCode && len(kept) > 0 && kept[len(kept)-1] == "`" {
		kept, inCode = kept[:len(kept)-1], false // an empty span would show its backticks
	}
	s := strings.TrimRight(strings.Join(kept, ""), " ")
	if inCode {
		s += "`"
	}
	return s + cutMark
}

// lightRunes is a line of the command layer's markdown-light text (a
// result's text, a request's summary): its `code` spans stay code, as the
// shell's words mean them, and everything else is escaped. A line whose
// backticks do not pair is escaped whole.
func lightRunes(s string) []string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		return escapedRunes(s)
	}
	var out []string
	for i, p := range parts {
		if i%2 == 0 {
			out = append(out, escapedRunes(p)...)
			continue
		}
		out = append(out, "`")
		for _, r := range p {
			out = append(out, string(r)) // code shows as typed
		}
		out = append(out, "`")
	}
	return out
}

// lightClip is lightRunes cut to max.
func lightClip(s string, max int) string {
	if len(s) > 3*max+8 {
		return mdClip(s, max) // only its start shows: its spans may not pair there
	}
	return clipPieces(lightRunes(s), max, true)
}

// mdCut cuts text that is already markdown to max, between runes, never
// leaving a lone backslash to escape the cut mark.
func mdCut(s string, max int) string {
	if textLen(s) <= max {
		return s
	}
	n, room, cut := 0, max-textLen(cutMark), len(s)
	for i, r := range s {
		if n += textLen(string(r)); n > room {
			cut = i
			break
		}
	}
	s = s[:cut]
	if tail := len(s) - len(strings.TrimRight(s, `\`)); tail%2 == 1 {
		s = s[:len(s)-1]
	}
	return s + cutMark
}

// plainClip cuts text shown without markdown (footers, button labels) to
// max.
func plainClip(s string, max int) string {
	if len(s) <= max { // bytes are never fewer than what textLen counts
		return s
	}
	s = clipInput(s, max)
	pieces := make([]string, 0, len(s))
	for _, r := range s {
		pieces = append(pieces, string(r))
	}
	return clipPieces(pieces, max, false)
}

// The text helpers every chat renderer shares (package chat).
var (
	oneLine   = chat.OneLine
	textLines = chat.TextLines
	bounded   = chat.Bounded
	codeSafe  = chat.CodeSafe
)

// codeSpan is s in a code span, cut to max.
func codeSpan(s string, max int) string {
	return "`" + plainClip(codeSafe(s), max-2) + "`"
}

// snowflake is a Discord id: only such an id goes between "<@" and ">".
var snowflake = regexp.MustCompile(`^[0-9]{1,20}$`)

// discordUser is the user id of a Discord principal ("discord:<id>").
func discordUser(p commands.Principal) (string, bool) {
	id, ok := strings.CutPrefix(string(p), "discord:")
	return id, ok && snowflake.MatchString(id)
}

// Mention renders a principal: "discord:<id>" → "<@id>", which Discord
// shows as the person's name; any other principal as escaped text.
func Mention(p commands.Principal) string {
	if id, ok := discordUser(p); ok {
		return "<@" + id + ">"
	}
	return lineClip(string(p), 100)
}

// mentionRequester shows the requester named at the start of a summary
// ("discord:1234 asks to ...") as a mention, which Discord renders as
// their name. Only there: the rest of a summary may carry text someone
// typed (a denial's note), where a principal must not pass for a person
// the bot named. escaped is the summary after escaping; Discord ids
// survive it unchanged. (In an embed a mention never pings.)
func mentionRequester(escaped, requester string) string {
	m := Mention(commands.Principal(requester))
	if !strings.HasPrefix(m, "<@") {
		return escaped
	}
	if rest, ok := strings.CutPrefix(escaped, requester); ok {
		return m + rest
	}
	return escaped
}

// relativeTime is t in Discord's timestamp markup, shown in each reader's
// own time zone as "in 14 minutes", then "14 minutes ago".
func relativeTime(t time.Time) string { return fmt.Sprintf("<t:%d:R>", t.Unix()) }

// fullTime is t in Discord's timestamp markup, as the reader's date and
// time.
func fullTime(t time.Time) string { return fmt.Sprintf("<t:%d:f>", t.Unix()) }

// progressBar draws a percentage as ten cells in a code span:
// "`████░░░░░░`".
func progressBar(percent int) string {
	percent = min(max(percent, 0), 100)
	full := (percent + 5) / 10
	return "`" + strings.Repeat("█", full) + strings.Repeat("░", 10-full) + "`"
}

// progressLine is a step as one markdown line: a bar when the provider
// gives a figure, then the command layer's words ("42% installing").
func progressLine(p commands.Progress) string {
	s := lineClip(p.String(), 500)
	if p.Percent >= 0 {
		s = strings.TrimSpace(progressBar(p.Percent) + " " + s)
	}
	return s
}

// elapsedText writes how long a step has run, to the second: "42s",
// "1m05s", "1h02m05s".
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

// notShown says how much of something was left out: "3 more notes not
// shown". Nothing is dropped silently.
func notShown(n int, one, many string) string {
	if n == 1 {
		return "1 more " + one + " not shown"
	}
	return fmt.Sprintf("%d more %s not shown", n, many)
}
