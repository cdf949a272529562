package discord

import (
	"strings"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// errorDoc is a failed command: one line, and the usage line (or lines,
// one per command the user may have meant) when the input was at fault.
func errorDoc(err error) doc {
	d := doc{color: colorFailed}
	d.text = append(d.text, "❌ "+lineClip(err.Error(), 1000))
	for i, u := range textLines(commands.UsageOf(err)) {
		if u == "" {
			continue
		}
		lead := ""
		if i == 0 {
			lead = "Usage: "
		}
		d.text = append(d.text, lead+codeSpan(u, 500))
	}
	return d
}

// stepDoc is a long operation under way: what runs, how far it is, and
// for how long.
func stepDoc(st chat.Step) doc {
	d := doc{title: lineClip(st.Title, MaxTitle), color: colorInfo}
	now := progressLine(st.Progress)
	if st.Elapsed > 0 {
		now = joinWith(" · ", now, elapsedText(st.Elapsed))
	}
	if now != "" {
		d.text = append(d.text, now)
	}
	return d
}

// textDoc is a short notice, as content rather than an embed: it reads
// like a line of chat.
func textDoc(text string) doc {
	ls := textLines(text)
	for i, l := range ls {
		ls[i] = mdClip(l, MaxContent)
	}
	return doc{content: mdCut(strings.Join(ls, "\n"), MaxContent-maxMention)}
}

// maxMention is the room a mention takes before a notice: "<@" + a
// snowflake + "> ", or a principal shown as text (Mention cuts it to 100).
const maxMention = 101

// joinWith joins the texts that are not blank with sep.
func joinWith(sep string, ts ...string) string {
	var out []string
	for _, t := range ts {
		if t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, sep)
}
