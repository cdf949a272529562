package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// A table is shown as aligned columns in preformatted sections: Slack's own
// table block is new and holds little, and a code block keeps a server
// named "*x*" as typed. One message shows one page of rows.
const (
	maxPageRows = 40   // rows a page shows at most: a screenful
	maxCell     = 60   // runes of one cell; longer ones are cut
	maxRowLine  = 1000 // characters of one row, escaped
	codeFence   = "```"
)

// pageLabels are the page buttons' words.
const (
	labelPrevious = "Previous"
	labelNext     = "Next"
)

// grid is a table as escaped, aligned lines.
type grid struct {
	header string   // the column names, "" when there are none
	rows   []string // one line per row
	widest int      // the longest line, as Slack counts
}

func gridOf(t *commands.Table) grid {
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
	var g grid
	if len(t.Columns) > 0 {
		g.header = alignRow(head, widths)
		g.widest = textLen(g.header)
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

// alignRow pads each cell to its column's width, as the shell does, and
// escapes the line.
func alignRow(cells []string, widths []int) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
	}
	l := strings.TrimRight(strings.Join(parts, "  "), " ")
	if l == "" {
		l = " " // an empty row still takes its line
	}
	return mdClip(l, maxRowLine)
}

// perSection is how many rows fit one section under the header line.
func (g grid) perSection() int {
	room := MaxText - 2*len(codeFence) - 2
	if g.header != "" {
		room -= textLen(g.header) + 1
	}
	return max(room/(g.widest+1), 1)
}

// block is rows as one preformatted section, under the header.
func (g grid) block(rows []string) slack.Block {
	ls := rows
	if g.header != "" {
		ls = append([]string{g.header}, rows...)
	}
	return textSection(codeFence + "\n" + strings.Join(ls, "\n") + "\n" + codeFence)
}

// table adds one page of t's rows in at most room sections, the lines
// saying which rows these are, and the page buttons. How many rows a page
// holds depends on the table and room alone, never on the page asked
// for, so page i shows the same rows however it is reached.
func (d *layout) table(t *commands.Table, page chat.Page, room int) {
	g := gridOf(t)
	room = max(room-2, 1) // the page line and the buttons go in the tail
	perPage := min(maxPageRows, g.perSection()*room)
	total := len(g.rows)
	pages := max((total+perPage-1)/perPage, 1)
	token := page.Token
	if token != "" {
		if b := chat.PageButton(token, pages-1); !carried(b) {
			token = "" // a token no button can carry pages nothing
		}
	}
	index := min(max(page.Index, 0), pages-1)
	first, last := index*perPage, min((index+1)*perPage, total)

	if total == 0 && g.header != "" {
		d.add(g.block(nil))
	}
	for rows := g.rows[first:last]; len(rows) > 0; {
		n := min(len(rows), g.perSection())
		d.add(g.block(rows[:n]))
		rows = rows[n:]
	}

	var notes []string
	switch {
	case pages > 1 && token != "":
		notes = append(notes, fmt.Sprintf("page %d of %d · rows %d–%d of %d", index+1, pages, first+1, last, total))
	case pages > 1:
		notes = append(notes, fmt.Sprintf("rows %d–%d of %d · %s", first+1, last, total, notShown(total-(last-first), "row", "rows")))
	}
	if shown := t.Shown(); shown != "" {
		if t.More != "" {
			shown += "; " + t.More
		}
		notes = append(notes, mdClip(oneLine(shown), MaxText))
	}
	if len(notes) > 0 {
		d.tail = append(d.tail, contextLine(notes...))
	}
	if pages > 1 && token != "" {
		var buttons []slack.BlockElement
		if index > 0 {
			buttons = append(buttons, pageButton(labelPrevious, chat.PageButton(token, index-1)))
		}
		if index < pages-1 {
			buttons = append(buttons, pageButton(labelNext, chat.PageButton(token, index+1)))
		}
		d.tail = append(d.tail, slack.NewActionBlock("", buttons...))
	}
}

func pageButton(label string, b chat.Button) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(b.ID(), b.Arg, plainText(label))
}

// carried reports whether b survives the trip through Slack and back: a
// button whose argument ParseButton would refuse is better not shown.
func carried(b chat.Button) bool {
	_, err := chat.ParseButton(b.ID(), b.Arg)
	return err == nil
}
