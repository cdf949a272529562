package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// Message is what Discord is sent for one reply: content, embeds and
// classic action rows of buttons (no Components V2), with the mentions
// that may ping. Every text in it is Discord markdown, escaped already.
type Message struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	Components      []discordgo.MessageComponent      `json:"components,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

// Render lays out r. It never fails: whatever r holds, the result fits
// Discord's limits (CheckLimits). The words are the command layer's;
// Render only chooses embeds, fields and buttons for them.
//
// Nothing a text says can ping: AllowedMentions lets through only the
// mention of r.Mention when that is a Discord user, which Render puts in
// the content. Never @everyone, @here or a role, whatever the text holds.
func Render(r chat.Reply) Message {
	var d doc
	switch {
	case r.Err != nil:
		d = errorDoc(r.Err)
	case r.View != nil:
		d = viewDoc(*r.View)
	case r.Step != nil:
		d = stepDoc(*r.Step)
	case r.Result != nil:
		d = resultDoc(*r.Result, r.Page)
	default:
		d = textDoc(r.Text)
	}
	msg := d.message()
	msg.AllowedMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if r.Mention != "" { // a blank principal names nobody
		msg.Content = mdCut(strings.TrimSpace(Mention(r.Mention)+" "+msg.Content), MaxContent)
		if id, ok := discordUser(r.Mention); ok {
			msg.AllowedMentions.Users = []string{id}
		}
	}
	if msg.Content == "" && len(msg.Embeds) == 0 && len(msg.Components) == 0 {
		msg.Content = cutMark // Discord refuses an empty message; a reply with nothing is a bug upstream
	}
	return msg
}

// Embed colours say at a glance where a request stands.
const (
	colorInfo    = 0x5865F2 // results, steps, a request under way
	colorWaiting = 0xF0B232 // at a gate
	colorDone    = 0x23A55A // succeeded
	colorFailed  = 0xDA373C // failed, interrupted, an error
	colorClosed  = 0x80848E // denied, expired, cancelled
)

// field is an embed field, escaped already.
type field struct{ name, value string }

// doc is a message being laid out: the parts of its main embed, the table
// under its text, the secret for the requester, and its buttons. message
// fits them into Discord's limits.
type doc struct {
	content string   // a plain notice instead of an embed, escaped
	title   string   // escaped, at most MaxTitle
	color   int      // the main embed's
	text    []string // paragraphs of the description, escaped
	fields  []field
	inline  bool // fields side by side
	table   *commands.Table
	page    chat.Page
	footer  []string // plain lines (the request id), kept before notes
	notes   []string // raw
	secret  []commands.Field
	buttons []discordgo.MessageComponent
}

// The share of the 6,000 characters of a message's embeds each part may
// take at most. The parts are budgeted in an order that depends on the
// result alone, never on the page shown, so page i of a table holds the
// same rows however it is reached; what a part leaves out is counted,
// never dropped silently.
const (
	minTableRoom  = 2000 // a table is the body of a list: it is kept room first
	maxSecretRoom = 1500
	maxFooterRoom = 700
	pageLineRoom  = 80 // the page line, added to the footer last
	maxTextRoom   = 1500
	maxFieldRoom  = 1500 // beside a table; without one fields take what is left
)

// message lays d out within Discord's limits.
func (d doc) message() Message {
	msg := Message{Content: d.content}
	main := &discordgo.MessageEmbed{Title: d.title, Color: d.color}
	left := MaxEmbedTotal - textLen(d.title)

	var g *grid
	tableRoom := 0
	if d.table != nil {
		g = gridOf(d.table)
		tableRoom = min(g.fullLen(), minTableRoom)
		left -= tableRoom
	}
	var secret *discordgo.MessageEmbed
	if len(d.secret) > 0 {
		secret = secretEmbed(d.secret, min(left, maxSecretRoom))
		left -= embedLen(secret)
	}

	footerRoom := min(left, maxFooterRoom)
	if g != nil {
		footerRoom -= pageLineRoom
	}
	footer := footerLines(d.footer, tableShown(d.table), d.notes, footerRoom)
	left -= textLen(footer)
	if g != nil {
		left -= pageLineRoom
	}

	textRoom := min(left, MaxDescription)
	if g != nil {
		textRoom = min(left, maxTextRoom, MaxDescription-tableRoom-1)
	}
	desc := paragraphs(d.text, textRoom)
	left -= textLen(desc)

	fieldRoom := left
	if g != nil {
		fieldRoom = min(left, maxFieldRoom)
	}
	main.Fields = embedFields(d.fields, d.inline, fieldRoom, MaxFields)
	left -= fieldsLen(main.Fields)

	if g != nil {
		left += tableRoom
		t := g.page(d.page, min(left, MaxDescription-textLen(desc)-1))
		desc = joinLines(desc, t.block)
		footer = joinLines(footer, t.line)
		if t.buttons != nil {
			msg.Components = append(msg.Components, t.buttons)
		}
	}
	main.Description = desc
	if footer = strings.TrimSpace(footer); footer != "" {
		main.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	}
	if main.Title != "" || main.Description != "" || len(main.Fields) > 0 || main.Footer != nil {
		msg.Embeds = append(msg.Embeds, main)
	}
	if secret != nil {
		msg.Embeds = append(msg.Embeds, secret)
	}
	msg.Components = append(msg.Components, d.buttons...)
	return msg
}

// paragraphs joins escaped paragraphs within room, saying how many lines
// did not fit.
func paragraphs(ps []string, room int) string {
	var b strings.Builder
	n := 0
	for i, p := range ps {
		sep := ""
		if i > 0 {
			sep = "\n"
		}
		rest := len(ps) - i
		// What is left out is said in a line of its own, which needs room.
		reserve := 0
		if rest > 1 {
			reserve = len("\n**") + len(notShown(rest, "line", "lines"))
		}
		if n+textLen(sep+p)+reserve > room {
			if line := sep + "*" + notShown(rest, "line", "lines") + "*"; n+textLen(line) <= room {
				b.WriteString(line)
			}
			break
		}
		b.WriteString(sep + p)
		n += textLen(sep + p)
	}
	return b.String()
}

// embedFields makes at most most embed fields of fs within room, the last
// one saying how many did not fit.
func embedFields(fs []field, inline bool, room, most int) []*discordgo.MessageEmbedField {
	var out []*discordgo.MessageEmbedField
	used := 0
	for i, f := range fs {
		name, value := nonBlank(f.name), nonBlank(f.value)
		rest := len(fs) - i
		last := notShownField(rest - 1)
		need := textLen(name) + textLen(value)
		if rest > 1 {
			need += textLen(last.Name) + textLen(last.Value)
		}
		if len(out) == most-1 && rest > 1 || used+need > room {
			if l := notShownField(rest); used+textLen(l.Name)+textLen(l.Value) <= room {
				out = append(out, l)
			}
			break
		}
		out = append(out, &discordgo.MessageEmbedField{Name: name, Value: value, Inline: inline})
		used += textLen(name) + textLen(value)
	}
	return out
}

func notShownField(n int) *discordgo.MessageEmbedField {
	return &discordgo.MessageEmbedField{Name: cutMark, Value: notShown(n, "field", "fields")}
}

// nonBlank is s, or a zero-width space where Discord wants some text and
// there is none to show.
func nonBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return "\u200b"
	}
	return s
}

func fieldsLen(fs []*discordgo.MessageEmbedField) int {
	n := 0
	for _, f := range fs {
		n += textLen(f.Name) + textLen(f.Value)
	}
	return n
}

// embedLen is what e adds to a message's embed total.
func embedLen(e *discordgo.MessageEmbed) int {
	n := textLen(e.Title) + textLen(e.Description) + fieldsLen(e.Fields)
	if e.Footer != nil {
		n += textLen(e.Footer.Text)
	}
	return n
}

// footerLines are the plain lines of a footer: fixed ones first, then how
// much of a list shows, then the notes, within room. Footers show no
// markdown, so notes are cleaned, not escaped.
func footerLines(fixed []string, shown string, notes []string, room int) string {
	if room <= 0 {
		return ""
	}
	var ls []string
	for _, l := range fixed {
		if l = oneLine(l); l != "" {
			ls = append(ls, plainClip(l, 200))
		}
	}
	if shown != "" {
		ls = append(ls, shown)
	}
	var ns []string
	for _, n := range notes {
		if n = oneLine(n); n != "" {
			ns = append(ns, "⚠ "+plainClip(n, 300))
		}
	}
	out := strings.Join(ls, "\n")
	for i, n := range ns {
		rest := len(ns) - i
		add := n
		if out != "" {
			add = "\n" + n
		}
		reserve := 0
		if rest > 1 {
			reserve = len("\n⚠ ") + len(notShown(rest, "note", "notes"))
		}
		if textLen(out)+textLen(add)+reserve > room {
			if l := "\n⚠ " + notShown(rest, "note", "notes"); textLen(out)+textLen(l) <= room {
				out += l
			}
			break
		}
		out += add
	}
	if textLen(out) > room {
		out = plainClip(out, room)
	}
	return strings.TrimLeft(out, "\n")
}

// joinLines joins the texts that are not blank, one a line.
func joinLines(ts ...string) string {
	var out []string
	for _, t := range ts {
		if t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, "\n")
}
