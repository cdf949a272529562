package slack

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// A table is shown as aligned columns in preformatted sections: Slack's own
// table block is new and holds little, and a code block keeps a server
// named "*x*" as typed. One message shows one page of rows.
const (
	maxPageRows = 40   // rows a page shows at most: a screenful
	maxRowLine  = 1000 // characters of one row, escaped
	codeFence   = "```"
)

// pageLabels are the page buttons' words.
const (
	labelPrevious = "Previous"
	labelNext     = "Next"
)

// grid is a table as escaped, aligned lines (chat.GridOf), with the
// longest of them as Slack counts it.
type grid struct {
	chat.Grid
	widest int
}

func gridOf(t *commands.Table) grid {
	g := grid{Grid: chat.GridOf(t, func(l string) string { return mdClip(l, maxRowLine) })}
	if g.Header != "" {
		g.widest = textLen(g.Header)
	}
	for _, l := range g.Rows {
		g.widest = max(g.widest, textLen(l))
	}
	return g
}

// perSection is how many rows fit one section under the header line.
func (g grid) perSection() int {
	room := MaxText - 2*len(codeFence) - 2
	if g.Header != "" {
		room -= textLen(g.Header) + 1
	}
	return max(room/(g.widest+1), 1)
}

// block is rows as one preformatted section, under the header.
func (g grid) block(rows []string) slack.Block {
	ls := rows
	if g.Header != "" {
		ls = append([]string{g.Header}, rows...)
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
	span := chat.PageSpan(len(g.Rows), perPage, page.Index)
	token := page.Token
	if token != "" {
		if b := chat.PageButton(token, span.Pages-1); !carried(b) {
			token = "" // a token no button can carry pages nothing
		}
	}

	if span.Total == 0 && g.Header != "" {
		d.add(g.block(nil))
	}
	for rows := g.Rows[span.First:span.Last]; len(rows) > 0; {
		n := min(len(rows), g.perSection())
		d.add(g.block(rows[:n]))
		rows = rows[n:]
	}

	var notes []string
	if l := span.Line(token != ""); l != "" {
		notes = append(notes, l)
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
	if span.Pages > 1 && token != "" {
		var buttons []slack.BlockElement
		if span.Index > 0 {
			buttons = append(buttons, pageButton(labelPrevious, chat.PageButton(token, span.Index-1)))
		}
		if span.Index < span.Pages-1 {
			buttons = append(buttons, pageButton(labelNext, chat.PageButton(token, span.Index+1)))
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
