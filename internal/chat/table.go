package chat

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/safetext"
)

// Every chat platform shows a table the same way: aligned columns in a
// code block (the platforms' own tables hold little, and a code block keeps
// a server named "*x*" as typed), one page of rows per message. Grid and
// Span are that layout, once; a renderer only escapes and fences it.

// MaxCell is how many runes of one cell a table shows; longer ones are cut.
const MaxCell = 60

// Grid is a table as aligned lines, one per row, each made safe for its
// platform by the renderer's line function.
type Grid struct {
	Header string   // the column names, "" when there are none
	Rows   []string // one line per row
}

// GridOf lays t out in aligned columns, as the shell does. line makes one
// aligned line safe for the platform (escapes it, cuts it).
func GridOf(t *commands.Table, line func(string) string) Grid {
	cols := len(t.Columns)
	if cols == 0 { // rows without names: show every cell
		for _, r := range t.Rows {
			cols = max(cols, len(r))
		}
	}
	cells := func(r []string) []string {
		out := make([]string, cols)
		for i := range min(cols, len(r)) {
			out[i] = Cell(r[i])
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
	var g Grid
	if len(t.Columns) > 0 {
		g.Header = line(align(head, widths))
	}
	for _, r := range body {
		g.Rows = append(g.Rows, line(align(r, widths)))
	}
	return g
}

// Cell is one value as a table shows it: one line, never ending the code
// block it is in, cut to MaxCell runes.
func Cell(s string) string {
	s = Bounded(s, 4*MaxCell) // only MaxCell runes show: clean no more
	s = CodeSafe(safetext.Line(s, 0))
	if utf8.RuneCountInString(s) <= MaxCell {
		return s
	}
	return string([]rune(s)[:MaxCell-1]) + "…"
}

// align pads each cell to its column's width, as the shell does.
func align(cells []string, widths []int) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
	}
	l := strings.TrimRight(strings.Join(parts, "  "), " ")
	if l == "" {
		l = " " // an empty row still takes its line
	}
	return l
}

// Span is the rows one page shows: rows First to Last (Last excluded) of
// Total, page Index (from 0) of Pages.
type Span struct{ Index, Pages, First, Last, Total int }

// PageSpan is page index of total rows, perPage a page. How many rows a
// page holds is the renderer's (its limits and the table alone, never the
// page asked for), so page i shows the same rows however it is reached;
// an index out of range shows the nearest page.
func PageSpan(total, perPage, index int) Span {
	perPage = max(perPage, 1)
	pages := max((total+perPage-1)/perPage, 1)
	index = min(max(index, 0), pages-1)
	return Span{Index: index, Pages: pages, First: index * perPage, Last: min((index+1)*perPage, total), Total: total}
}

// Line says which rows a page shows, when there is more than one page:
// with page buttons, where it stands; without, how many rows are not
// shown (never a silent cut). "" for a single page.
func (s Span) Line(buttons bool) string {
	switch {
	case s.Pages <= 1:
		return ""
	case buttons:
		return fmt.Sprintf("page %d of %d · rows %d–%d of %d", s.Index+1, s.Pages, s.First+1, s.Last, s.Total)
	}
	left := s.Total - (s.Last - s.First)
	more := fmt.Sprintf("%d more rows not shown", left)
	if left == 1 {
		more = "1 more row not shown"
	}
	return fmt.Sprintf("rows %d–%d of %d · %s", s.First+1, s.Last, s.Total, more)
}
