package slack

import (
	"strings"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// errorDoc is a failed command: one line, and the usage line (or lines,
// one per command the user may have meant) when the input was at fault.
func errorDoc(err error) layout {
	var d layout
	msg := oneLine(err.Error())
	s := ":x: " + mdClip(msg, 1000)
	for i, u := range textLines(commands.UsageOf(err)) {
		if u == "" {
			continue
		}
		lead := "\n"
		if i == 0 {
			lead = "\nUsage: "
		}
		s += lead + "`" + mdClip(codeSafe(u), 500) + "`"
	}
	d.add(textSection(mdCut(s, MaxText)))
	d.fallback = mdClip("error: "+msg, MaxFallback) // the shell's first line
	return d
}

// stepDoc is a long operation under way, in one section: what runs, how
// far it is, and for how long.
func stepDoc(st chat.Step) layout {
	var d layout
	title := oneLine(st.Title)
	var parts []string
	if title != "" {
		parts = append(parts, boldText(mdClip(title, 500)))
	}
	now := progressLine(st.Progress)
	if st.Elapsed > 0 {
		if now != "" {
			now += " · "
		}
		now += elapsedText(st.Elapsed)
	}
	if now != "" {
		parts = append(parts, now)
	}
	if len(parts) > 0 {
		d.add(textSection(strings.Join(parts, "\n")))
	}
	d.fallback = mdClip(title, MaxFallback)
	return d
}

// textDoc is a short notice in one section.
func textDoc(text string) layout {
	var d layout
	ls := textLines(text)
	if len(ls) == 0 {
		return d
	}
	for i, l := range ls {
		ls[i] = mdEscape(l)
	}
	d.add(textSection(mdCut(strings.Join(ls, "\n"), MaxText)))
	d.fallback = mdCut(ls[0], MaxFallback)
	return d
}
