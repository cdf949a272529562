package commands

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// TimeLayout is how every time shown to a person is written: UTC, to the
// second, with its zone named, the same in a table, a field and a
// sentence. (Machine-readable output, such as MCP data and the audit
// export, keeps RFC 3339.)
const TimeLayout = "2006-01-02 15:04:05 UTC"

// ShowTime writes t for a person; see TimeLayout.
func ShowTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// Plain renders a result as plain text: the shell's output and the text
// content of MCP results. Secret fields are included only when
// toRequester is true, i.e. the text goes to the requester alone.
func Plain(res Result, toRequester bool) string {
	var b strings.Builder
	if res.Title != "" {
		b.WriteString(res.Title + "\n")
	}
	if res.Text != "" {
		b.WriteString(res.Text + "\n")
	}
	writeFields(&b, res.Fields)
	if res.Table != nil {
		writeTable(&b, res.Table)
	}
	if res.Pending != nil && res.Pending.Gate == "confirm" {
		b.WriteString(res.Pending.Prompt + "\n")
	}
	if len(res.Secret) > 0 {
		if toRequester {
			b.WriteString("Only you can see the following:\n")
			writeFields(&b, res.Secret)
		} else {
			b.WriteString("(secret details were sent to the requester only)\n")
		}
	}
	for _, n := range res.Notes {
		b.WriteString("note: " + n + "\n")
	}
	return b.String()
}

// PlainError renders a failed request: one line, then the usage line (or
// lines, one per command the user may have meant) when the input was at
// fault.
func PlainError(err error) string {
	s := "error: " + err.Error()
	if u := UsageOf(err); u != "" {
		s += "\nusage: " + strings.ReplaceAll(u, "\n", "\n       ")
	}
	return s + "\n"
}

func writeFields(b *strings.Builder, fs []Field) {
	w := 0
	for _, f := range fs {
		w = max(w, utf8.RuneCountInString(f.Name))
	}
	for _, f := range fs {
		fmt.Fprintf(b, "  %-*s  %s\n", w+1, f.Name+":", f.Value)
	}
}

func writeTable(b *strings.Builder, t *Table) {
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = utf8.RuneCountInString(c)
	}
	for _, row := range t.Rows {
		for i := range min(len(row), len(widths)) {
			widths[i] = max(widths[i], utf8.RuneCountInString(row[i]))
		}
	}
	line := func(cells []string) {
		var parts []string
		for i := range widths {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			if i == len(widths)-1 {
				parts = append(parts, cell)
			} else {
				parts = append(parts, cell+strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)))
			}
		}
		b.WriteString("  " + strings.TrimRight(strings.Join(parts, "  "), " ") + "\n")
	}
	line(t.Columns)
	for _, row := range t.Rows {
		line(row)
	}
	if shown := t.Shown(); shown != "" {
		if t.More != "" {
			shown += "; " + t.More
		}
		b.WriteString("  (" + shown + ")\n")
	}
}
