package commands

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
	// Data is the structured form for MCP structured output (read tools).
	Data any
}

// Field is one labelled value.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Table is rows under named columns.
type Table struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}
