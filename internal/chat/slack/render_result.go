package slack

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// How much of a result's free parts one message shows. They are small in
// practice; the caps keep a freak result (a thousand notes) from crowding
// out the table, and what they leave out is counted, never dropped
// silently.
const (
	maxTextSections   = 4
	maxFieldSections  = 4
	maxNoteBlocks     = 2
	maxSecretSections = 2
)

// resultDoc lays out a command's output in the shell's order: title,
// text, fields, table, notes, then the secret for the requester. A
// result stopped at a gate is its request's view instead of title and
// text, which repeat the view's.
func resultDoc(res commands.Result, page chat.Page) layout {
	var d layout
	if res.Pending != nil {
		d = viewDoc(*res.Pending)
	} else {
		d.title(res.Title)
		d.text(res.Text)
		d.add(fieldSections(fieldTexts(res.Fields), maxFieldSections)...)
	}
	d.fallback = fallbackOf(res)
	notes := noteBlocks(res.Notes)
	secret := secretSections(res.Secret)
	if res.Table != nil {
		d.table(res.Table, page, d.room()-len(notes)-len(secret))
	}
	d.add(notes...)
	d.add(secret...)
	return d
}

// text adds free text (markdown-light: its `code` spans stay code) as
// sections packed line by line.
func (d *layout) text(s string) {
	var chunks []string
	cur, left := "", 0
	ls := textLines(s)
	for i, l := range ls {
		l = mdClip(l, MaxText)
		if l == "" {
			l = " " // keeps a blank line between paragraphs
		}
		switch {
		case cur == "":
			cur = l
		case textLen(cur)+1+textLen(l) <= MaxText:
			cur += "\n" + l
		default:
			chunks = append(chunks, cur)
			cur = l
		}
		if len(chunks) == maxTextSections {
			left = len(ls) - i
			cur = ""
			break
		}
	}
	if cur != "" {
		chunks = append(chunks, cur)
	}
	for _, c := range chunks {
		d.add(textSection(c))
	}
	if left > 0 {
		d.add(contextLine(notShown(left, "line", "lines")))
	}
}

// fieldTexts are fields as fieldText writes them.
func fieldTexts(fs []commands.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fieldText(f.Name, f.Value)
	}
	return out
}

// fieldSections lays field texts out ten to a section, at most
// maxSections sections; blank ones are left out.
func fieldSections(fs []string, maxSections int) []slack.Block {
	var texts []*slack.TextBlockObject
	for _, t := range fs {
		if t != "" {
			texts = append(texts, mdText(t))
		}
	}
	if limit := maxSections * MaxFields; len(texts) > limit {
		left := len(texts) - limit + 1
		texts = append(texts[:limit-1], mdText(notShown(left, "field", "fields")))
	}
	var out []slack.Block
	for len(texts) > 0 {
		n := min(len(texts), MaxFields)
		out = append(out, slack.NewSectionBlock(nil, texts[:n], nil))
		texts = texts[n:]
	}
	return out
}

// fieldText is one field: "*Label*\nvalue", both one escaped line.
func fieldText(name, value string) string {
	n := boldText(mdClip(oneLine(name), 200))
	v := oneLine(value)
	switch {
	case n == "":
		return mdClip(v, MaxFieldText)
	case v == "":
		return n
	}
	return n + "\n" + mdClip(v, MaxFieldText-textLen(n)-1)
}

// noteBlocks shows notes as context lines, ten to a block.
func noteBlocks(notes []string) []slack.Block {
	var texts []string
	for _, n := range notes {
		if n = oneLine(n); n != "" {
			texts = append(texts, ":warning: "+mdClip(n, MaxText-10))
		}
	}
	if limit := maxNoteBlocks * MaxContextItems; len(texts) > limit {
		left := len(texts) - limit + 1
		texts = append(texts[:limit-1], notShown(left, "note", "notes"))
	}
	var out []slack.Block
	for len(texts) > 0 {
		n := min(len(texts), MaxContextItems)
		out = append(out, contextLine(texts[:n]...))
		texts = texts[n:]
	}
	return out
}

// secretSections shows secret fields under the shell's words for them. A
// reply carries them only when it goes to the requester alone (the
// conversation strips them from everything else), so when they are here,
// they are shown.
func secretSections(fs []commands.Field) []slack.Block {
	if len(fs) == 0 {
		return nil
	}
	out := fieldSections(fieldTexts(fs), maxSecretSections)
	head := mdText(":lock: *Only you can see the following:*")
	if len(out) == 0 {
		return []slack.Block{slack.NewSectionBlock(head, nil, nil)}
	}
	out[0].(*slack.SectionBlock).Text = head
	return out
}

// fallbackOf is the first line the shell would print of res, left of its
// rows: the notification of a list is its title, not its data.
func fallbackOf(res commands.Result) string {
	res.Secret = nil
	if res.Table != nil {
		res.Table = &commands.Table{Columns: res.Table.Columns}
	}
	return firstLine(commands.Plain(res, false))
}

// firstLine is the first non-blank line of s, escaped: a message's
// notification text.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = oneLine(l); l != "" {
			return mdClip(l, MaxFallback)
		}
	}
	return ""
}
