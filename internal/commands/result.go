package commands

import "fmt"

// Result is what a command produced, in a platform-neutral shape every
// adapter can render without special cases: Slack Block Kit sections and
// tables, Discord embeds, MCP text plus structured content, shell text.
type Result struct {
	Title string // short headline: "demo-fra/web-1 rebooted"
	Text  string // free text below the title (markdown-light: `code` only)
	// Fields are label/value pairs (a server's details).
	Fields []Field
	// Table is tabular output (lists).
	Table *Table
	// Notes are warnings that do not fail the command ("edis-fra did not
	// answer: timed out"), shown after the content.
	Notes []string
	// Secret fields (a new root password, console credentials) go only to
	// the requester: ephemeral in chat, the tool result in MCP. Adapters
	// must never post them to a channel, and the runner never audits them.
	Secret []Field
	// Pending is set when the command stopped at a gate: the request as
	// the requester sees it. Adapters render its Actions as buttons
	// carrying only its ID (confirm/cancel for the requester; an approval
	// message with approve/deny is rendered per viewer with Runner.View).
	Pending *RequestView
	// Request is the gated request this result is about, as the caller
	// sees it after a confirm, cancel, approve or deny (adapters edit
	// their messages of it from this).
	Request *RequestView
	// Data is the structured form of the result: MCP structured content,
	// and what adapters build rich output from. It is a value of the
	// command's declared Output type, whose JSON Schema is the tool's
	// output schema (see OutputSchema). It is nil when the command stopped
	// at a gate (Pending says what waits). For cancel and deny, and
	// approve of a request that runs elsewhere, it is the RequestView; when
	// confirm or approve ran the request, the command's own Data.
	Data any
}

// Field is one labelled value.
type Field struct {
	Name  string `json:"name" desc:"the label"`
	Value string `json:"value" desc:"the value"`
}

// Table is rows under named columns. Rows holds every row the command
// returns, however many: an adapter that can show fewer at once pages
// through them rather than dropping any. Size says whether the command
// itself stopped at a cap, and More how to see the rest.
type Table struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Size
	More string `json:"more,omitempty"` // how to see the rows left out, when Truncated
}

// Size says how much of a list a result holds, in the Data of every list
// and in tables. A command that caps a list asks for one item more than
// it returns, so it knows whether it stopped short without counting all.
type Size struct {
	Total     int  `json:"total" desc:"how many items matched; when truncated, a lower bound"`
	Truncated bool `json:"truncated" desc:"true when the command stopped at its cap and more items match (or may) than it returned"`
}

// sizeOf is the size of a complete list of n items.
func sizeOf(n int) Size { return Size{Total: n} }

// capped cuts a list at limit. items are those the user may see among a
// fetch of limit+1; fetchedMore says the fetch was full, so that more
// match than were fetched, whether or not the user may see them.
func capped[T any](items []T, limit int, fetchedMore bool) ([]T, Size) {
	switch {
	case len(items) > limit:
		return items[:limit], Size{Total: len(items), Truncated: true}
	case fetchedMore:
		return items, Size{Total: len(items), Truncated: true}
	}
	return items, sizeOf(len(items))
}

// Shown says how much of the list the table shows, or "" when it shows
// everything that matched: "showing 20 of more than 20".
func (t *Table) Shown() string {
	if !t.Truncated {
		return ""
	}
	n := len(t.Rows)
	if t.Total > n {
		return fmt.Sprintf("showing %d of more than %d", n, n)
	}
	// The command stopped at its cap, but what it skipped may not all be
	// for this user's eyes: more may match, or may not.
	return fmt.Sprintf("showing %d; more may match", n)
}
