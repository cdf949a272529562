package discord

import (
	"strings"

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
	maxRowLine  = 300 // characters of one row
	codeFence   = "```"
)

// pageLabels are the page buttons' words.
const (
	labelPrevious = "Previous"
	labelNext     = "Next"
)

// grid is a table as aligned lines, safe inside a code block
// (chat.GridOf), with the longest row line.
type grid struct {
	chat.Grid
	widest int
}

func gridOf(t *commands.Table) *grid {
	g := &grid{Grid: chat.GridOf(t, func(l string) string { return plainClip(l, maxRowLine) })}
	for _, l := range g.Rows {
		g.widest = max(g.widest, textLen(l))
	}
	return g
}

// overhead is what a code block takes besides its rows.
func (g *grid) overhead() int {
	n := len(codeFence+"\n") + len(codeFence)
	if g.Header != "" {
		n += textLen(g.Header) + 1
	}
	return n
}

// fullLen is the most a code block of every row could take.
func (g *grid) fullLen() int { return g.overhead() + len(g.Rows)*(g.widest+1) }

// block is rows as one code block, under the header.
func (g *grid) block(rows []string) string {
	ls := rows
	if g.Header != "" {
		ls = append([]string{g.Header}, rows...)
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
	span := chat.PageSpan(len(g.Rows), perPage, p.Index)
	token := p.Token
	if token != "" && !carried(chat.PageButton(token, span.Pages-1)) {
		token = "" // a token no button can carry pages nothing
	}
	out := tablePage{block: g.block(g.Rows[span.First:span.Last]), line: span.Line(token != "")}
	if span.Pages > 1 && token != "" {
		var row discordgo.ActionsRow
		if span.Index > 0 {
			row.Components = append(row.Components, pageButton(labelPrevious, chat.PageButton(token, span.Index-1)))
		}
		if span.Index < span.Pages-1 {
			row.Components = append(row.Components, pageButton(labelNext, chat.PageButton(token, span.Index+1)))
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
