package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// How much of a view's free parts one message shows: its summary and
// prompt are a sentence or two, and a hostile note or error must not
// crowd out its fields and buttons.
const (
	maxSummary = 1500
	maxPrompt  = 1000
)

// stateMarks put a glyph before a request's summary and a colour on its
// embed, so a channel sees at a glance where each request stands. The
// words stay the view's.
var stateMarks = map[approval.State]struct {
	mark  string
	color int
}{
	approval.Confirming:  {"❔", colorWaiting},
	approval.Pending:     {"⏳", colorWaiting},
	approval.Approved:    {"▶️", colorInfo},
	approval.Executing:   {"⚙️", colorInfo},
	approval.Succeeded:   {"✅", colorDone},
	approval.Failed:      {"❌", colorFailed},
	approval.Interrupted: {"⚠️", colorFailed},
	approval.Denied:      {"🚫", colorClosed},
	approval.Expired:     {"⌛", colorClosed},
	approval.Cancelled:   {"✖️", colorClosed},
}

// viewDoc lays out a gated request as its reader sees it: the title,
// where it stands, the question while it waits and when it expires, its
// facts, its progress while it runs, one button per action this reader
// may take, and the request id in the footer.
func viewDoc(v commands.RequestView) doc {
	state, ok := stateMarks[v.State]
	if !ok {
		state.color = colorInfo
	}
	d := doc{title: lineClip(v.Title, MaxTitle), color: state.color}
	if s := oneLine(v.Summary); s != "" {
		mark := ""
		if state.mark != "" {
			mark = state.mark + " "
		}
		d.text = append(d.text, mark+mentionRequester(lightClip(s, maxSummary-textLen(mark)), v.Requester))
	}
	if p := oneLine(v.Prompt); p != "" && v.Gate != "" {
		// Only a risky or policy-gated command waits at a gate: its
		// question, with the command's danger line, is marked for each
		// reader alike, whatever buttons they have.
		d.text = append(d.text, "⚠️ **"+mdClip(p, maxPrompt)+"**")
	}
	if v.Gate != "" && !v.ExpiresAt.IsZero() {
		// Each reader sees the expiry in their own time zone, counting down.
		d.text = append(d.text, "Expires "+relativeTime(v.ExpiresAt)+" ("+fullTime(v.ExpiresAt)+")")
	}
	if v.Progress != nil {
		d.text = append(d.text, progressLine(*v.Progress))
	}
	d.fields, d.inline = viewFields(v), true
	if id := oneLine(v.ID); id != "" {
		d.footer = []string{"request " + id}
	}
	d.buttons = actionRows(v)
	return d
}

// viewFields are the view's fields, with the requester and the approver
// as Discord shows a person when they are Discord users: by name.
func viewFields(v commands.RequestView) []field {
	out := escapedFields(v.Fields)
	for i, f := range v.Fields {
		if f.Value == "" || (f.Value != v.Requester && f.Value != v.DecidedBy) {
			continue
		}
		if _, ok := discordUser(commands.Principal(f.Value)); ok {
			out[i].value = Mention(commands.Principal(f.Value))
		}
	}
	return out
}

// actionRows are the view's actions as buttons, five to a row. A button
// carries the action and the request id alone (chat.ActionButton): who
// pressed comes from the interaction Discord signs.
func actionRows(v commands.RequestView) []discordgo.MessageComponent {
	var buttons []discordgo.MessageComponent
	for _, a := range v.Actions {
		b := chat.ActionButton(a.ID, v.ID)
		if !carried(b) {
			continue // no id to carry: a press could not name the request
		}
		label := oneLine(a.Label)
		if label == "" {
			label = string(a.ID)
		}
		style := discordgo.SecondaryButton
		switch a.Style {
		case "primary":
			style = discordgo.PrimaryButton
		case "danger":
			style = discordgo.DangerButton
		}
		buttons = append(buttons, discordgo.Button{Label: plainClip(label, MaxLabel), Style: style, CustomID: b.Encode()})
	}
	var rows []discordgo.MessageComponent
	// One row goes to the page buttons a pending result may also show.
	for len(buttons) > 0 && len(rows) < MaxActionRows-1 {
		n := min(len(buttons), MaxRowButtons)
		rows = append(rows, discordgo.ActionsRow{Components: buttons[:n]})
		buttons = buttons[n:]
	}
	return rows
}
