package slack

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// maxViewFieldSections holds every field a view has (a dozen at most).
const maxViewFieldSections = 2

// stateMarks put a glyph before a request's summary, so a channel sees at
// a glance where each request stands. The words stay the view's.
var stateMarks = map[approval.State]string{
	approval.Confirming:  ":grey_question:",
	approval.Pending:     ":hourglass_flowing_sand:",
	approval.Approved:    ":arrow_forward:",
	approval.Executing:   ":gear:",
	approval.Succeeded:   ":white_check_mark:",
	approval.Failed:      ":x:",
	approval.Interrupted: ":warning:",
	approval.Denied:      ":no_entry_sign:",
	approval.Expired:     ":hourglass:",
	approval.Cancelled:   ":heavy_multiplication_x:",
}

// viewDoc lays out a gated request as its reader sees it: the title, where
// it stands, the question while it waits, its facts, its progress while
// it runs, one button per action this reader may take, and a line with
// the request id and, while it waits, its expiry in the reader's time.
func viewDoc(v commands.RequestView) layout {
	var d layout
	d.title(v.Title)
	if s := oneLine(v.Summary); s != "" {
		mark := stateMarks[v.State]
		if mark != "" {
			mark += " "
		}
		d.add(textSection(mark + mentionRequester(mdClip(s, MaxText-textLen(mark)), v.Requester)))
	}
	if p := oneLine(v.Prompt); p != "" && v.Gate != "" {
		// Only a risky or policy-gated command waits at a gate: its
		// question, with the command's danger line, is marked for each reader
		// alike, whatever buttons they have.
		const mark = ":warning: "
		d.add(textSection(mark + boldText(mdClip(p, MaxText-textLen(mark)-2))))
	}
	d.add(fieldSections(viewFieldTexts(v), maxViewFieldSections)...)
	if v.Progress != nil {
		if line := progressLine(*v.Progress); line != "" { // a step with no words and no figure shows nothing
			d.add(textSection(line))
		}
	}

	var buttons []slack.BlockElement
	for _, a := range v.Actions {
		b := chat.ActionButton(a.ID, v.ID)
		if !carried(b) {
			continue // no id to carry: a press could not name the request
		}
		label := oneLine(a.Label)
		if label == "" {
			label = string(a.ID)
		}
		btn := slack.NewButtonBlockElement(b.ID(), b.Arg, plainText(mdClip(label, MaxButtonText)))
		switch a.Style {
		case "primary":
			btn.Style = slack.StylePrimary
		case "danger":
			btn.Style = slack.StyleDanger
		}
		// No confirm dialog on a danger button: the request's own confirm
		// gate is that step, and one click is what it asks for.
		buttons = append(buttons, btn)
	}
	if len(buttons) > 0 {
		d.tail = append(d.tail, slack.NewActionBlock("", buttons[:min(len(buttons), MaxActions)]...))
	}
	if id := oneLine(v.ID); id != "" {
		s := "request `" + mdClip(codeSafe(id), 100) + "`"
		if v.Gate != "" && !v.ExpiresAt.IsZero() {
			s += " · expires " + dateToken(v.ExpiresAt)
		}
		d.tail = append(d.tail, contextLine(s))
	}
	d.fallback = mdClip(oneLine(v.Title), MaxFallback)
	return d
}

// viewFieldTexts are the view's fields, with the requester and the
// approver as Slack shows a person when they are Slack users: by name.
func viewFieldTexts(v commands.RequestView) []string {
	out := fieldTexts(v.Fields)
	for i, f := range v.Fields {
		if f.Value == "" || (f.Value != v.Requester && f.Value != v.DecidedBy) {
			continue
		}
		if m := Mention(commands.Principal(f.Value)); strings.HasPrefix(m, "<@") {
			out[i] = boldText(mdClip(oneLine(f.Name), 200)) + "\n" + m
		}
	}
	return out
}

// mentionRequester shows the requester named at the start of a summary
// ("slack:T0123:U0456 asks to ...") as a mention, which Slack renders as
// their name. Only there: the rest of a summary may carry text someone
// typed (a denial's note), where a principal must not become a ping.
// escaped is the summary after escaping; Slack ids survive it unchanged.
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
