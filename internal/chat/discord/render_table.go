package discord

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// A table is shown as aligned columns in a code block in the embed's
// description: embed fields hold 25 values and wrap on a phone, and a code
// block keeps a server named "**x**" as typed. One message shows one page
// of rows.
const (
	maxPageRows = 40  // rows a page shows at most: a screenful
	maxCell     = 60  // runes of one cell; longer ones are cut
	maxRowLine  = 300 // characters of one row
	codeFence   = "```"
)

// pageLabels are the page buttons' words.
const (
	labelPrevious = "Previous"
	labelNext     = "Next"
)

// grid is a table as aligned lines, safe inside a code block.
type grid struct {
	header string   // the column names, "" when there are none
	rows   []string // one line per row
	widest int      // the longest row line
}

func gridOf(t *commands.Table) *grid {
	cols := len(t.Columns)
	if cols == 0 { // rows without names: show every cell
		for _, r := range t.Rows {
			cols = max(cols, len(r))
		}
	}
	cells := func(r []string) []string {
		out := make([]string, cols)
		for i := range min(cols, len(r)) {
			out[i] = cell(r[i])
		}
		return out
	}
	head := cells(t.Columns)
	body := make([][]string, len(t.Rows))
	widths := make([]int, cols)
	for i, r := range t.Rows {
		body[i] = cells(r)
	}
	for _, r := range append([][]string{head}, body...) {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	g := &grid{}
	if len(t.Columns) > 0 {
		g.header = alignRow(head, widths)
	}
	for _, r := range body {
		l := alignRow(r, widths)
		g.rows = append(g.rows, l)
		g.widest = max(g.widest, textLen(l))
	}
	return g
}

// cell is one value as a table shows it: one line, never ending the code
// block it is in, cut to maxCell runes.
func cell(s string) string {
	s = bounded(s, 4*maxCell) // only maxCell runes show: clean no more
	s = codeSafe(oneLine(s))
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	return string([]rune(s)[:maxCell-1]) + cutMark
}

// alignRow pads each cell to its column's width, as the shell does.
func alignRow(cells []string, widths []int) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
	}
	l := strings.TrimRight(strings.Join(parts, "  "), " ")
	if l == "" {
		l = " " // an empty row still takes its line
	}
	return plainClip(l, maxRowLine)
}

// overhead is what a code block takes besides its rows.
func (g *grid) overhead() int {
	n := len(codeFence+"\n") + len(codeFence)
	if g.header != "" {
		n += textLen(g.header) + 1
	}
	return n
}

// fullLen is the most a code block of every row could take.
func (g *grid) fullLen() int { return g.overhead() + len(g.rows)*(g.widest+1) }

// block is rows as one code block, under the header.
func (g *grid) block(rows []string) string {
	ls := rows
	if g.header != "" {
		ls = append([]string{g.header}, rows...)
	}
	if len(ls) == 0 {
		return ""
	}
	return codeFence + "\n" + strings.Join(ls, "\n") + "\n" + codeFence
}

// tablePage is one page of a table as a message shows it.
type tablePage struct {
	block   string                     // the code block
	line    string                     // which rows these are, for the footer
	buttons discordgo.MessageComponent // Previous/Next, nil when none
}

// page lays out page p of the rows in at most room characters. How many
// rows a page holds depends on the table and room alone, never on the page
// asked for, so page i shows the same rows however it is reached.
func (g *grid) page(p chat.Page, room int) tablePage {
	perPage := min(maxPageRows, max((room-g.overhead())/(g.widest+1), 1))
	total := len(g.rows)
	pages := max((total+perPage-1)/perPage, 1)
	token := p.Token
	if token != "" && !carried(chat.PageButton(token, pages-1)) {
		token = "" // a token no button can carry pages nothing
	}
	index := min(max(p.Index, 0), pages-1)
	first, last := index*perPage, min((index+1)*perPage, total)
	out := tablePage{block: g.block(g.rows[first:last])}
	switch {
	case pages > 1 && token != "":
		out.line = fmt.Sprintf("page %d of %d · rows %d–%d of %d", index+1, pages, first+1, last, total)
	case pages > 1:
		out.line = fmt.Sprintf("rows %d–%d of %d · %s", first+1, last, total, notShown(total-(last-first), "row", "rows"))
	}
	if pages > 1 && token != "" {
		var row discordgo.ActionsRow
		if index > 0 {
			row.Components = append(row.Components, pageButton(labelPrevious, chat.PageButton(token, index-1)))
		}
		if index < pages-1 {
			row.Components = append(row.Components, pageButton(labelNext, chat.PageButton(token, index+1)))
		}
		out.buttons = row
	}
	return out
}

func pageButton(label string, b chat.Button) discordgo.Button {
	return discordgo.Button{Label: label, Style: discordgo.SecondaryButton, CustomID: b.Encode()}
}

// carried reports whether b survives the trip through Discord and back: a
// button whose custom_id DecodeButton would refuse is better not shown.
func carried(b chat.Button) bool {
	id := b.Encode()
	got, err := chat.DecodeButton(id)
	return err == nil && len(id) <= MaxCustomID && got == b
}

// tableShown says how much of its list a table holds, as the shell does
// ("showing 20 of more than 20; limit=100 shows more"), or "".
func tableShown(t *commands.Table) string {
	if t == nil {
		return ""
	}
	shown := t.Shown()
	if shown == "" {
		return ""
	}
	if t.More != "" {
		shown += "; " + t.More
	}
	return plainClip(oneLine(shown), 300)
}
