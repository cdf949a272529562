package mcpserver

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/vpsops/vpsops/internal/commands"
)

// Ceiling removes tools for every client, whatever the policy says: the
// operator's "this server only reads" (--read-only) or "never offers a
// destructive tool" (--disable-destructive). Nothing raises it.
type Ceiling struct {
	ReadOnly           bool
	DisableDestructive bool
}

// allows reports whether the ceiling lets cmd be a tool, and why not.
func (c Ceiling) allows(cmd *commands.Command) (bool, string) {
	switch {
	case c.ReadOnly && cmd.Risk != commands.Read:
		return false, "this MCP server is read-only"
	case c.DisableDestructive && cmd.Risk == commands.Destructive:
		return false, "this MCP server offers no destructive tools"
	}
	return true, ""
}

// toolFor renders one command declaration as an MCP tool: the same name,
// arguments and output everywhere the command is offered. Every annotation
// is stated explicitly: mcp-go's defaults would mark a tool destructive and
// open-world, and a client that trusts hints must never be misled.
func toolFor(cmd *commands.Command) (mcp.Tool, error) {
	in, err := json.Marshal(cmd.Schema())
	if err != nil {
		return mcp.Tool{}, fmt.Errorf("tool %s: input schema: %w", cmd.Tool, err)
	}
	t := mcp.Tool{
		Name:           cmd.Tool,
		Title:          title(cmd),
		Description:    description(cmd),
		RawInputSchema: in,
		Annotations: mcp.ToolAnnotation{
			Title:           title(cmd),
			ReadOnlyHint:    mcp.ToBoolPtr(cmd.Risk == commands.Read),
			DestructiveHint: mcp.ToBoolPtr(cmd.Risk == commands.Destructive),
			IdempotentHint:  mcp.ToBoolPtr(cmd.Risk == commands.Read || cmd.Idempotent),
			OpenWorldHint:   mcp.ToBoolPtr(openWorld(cmd)),
		},
	}
	if out := outputSchema(cmd); out != nil {
		b, err := json.Marshal(out)
		if err != nil {
			return mcp.Tool{}, fmt.Errorf("tool %s: output schema: %w", cmd.Tool, err)
		}
		t.RawOutputSchema = b
	}
	return t, nil
}

// openWorld: the tool talks to a hosting provider, whose answers vpsops
// does not control, rather than reading vpsops' own records (approvals,
// the audit trail, who you are). Its permission says which.
func openWorld(cmd *commands.Command) bool {
	return strings.HasPrefix(cmd.Permission, "server.") || strings.HasPrefix(cmd.Permission, "provider.")
}

func title(cmd *commands.Command) string {
	s := cmd.Summary
	if i := strings.IndexAny(s, "(;"); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// description says what the tool does, its chat usage, and what its gate
// will ask, so a model can tell the user before calling it.
func description(cmd *commands.Command) string {
	var b strings.Builder
	b.WriteString(cmd.Summary + ".")
	if cmd.Danger != "" {
		b.WriteString(" " + cmd.Danger)
	}
	fmt.Fprintf(&b, "\nChat usage: %s", cmd.Usage())
	switch {
	case cmd.Risk == commands.Destructive:
		b.WriteString("\nGate: destructive. From an AI client it never runs at once: when your client can show forms, the user is first asked to type the server's name to confirm; then a human approver must approve it in chat or the shell. The result is the pending request; follow it with get_approval.")
	case cmd.Gated():
		b.WriteString("\nGate: the policy may require a human approver for some servers; the result is then the pending request, to follow with get_approval.")
	}
	if cmd.SecretResult {
		b.WriteString("\nThe result carries secrets meant for the user only; do not repeat them elsewhere.")
	}
	return b.String()
}

// outputSchema is the tool's structured result. A command that may stop
// at a gate returns either what it did or the request that waits for an
// approver, so its schema says both, under an explicit status.
func outputSchema(cmd *commands.Command) map[string]any {
	out := cmd.OutputSchema()
	if !cmd.Gated() {
		return out
	}
	props := map[string]any{
		"status": map[string]any{"type": "string", "enum": []string{"done", "approval_pending", "cancelled"},
			"description": "done: it ran and result says what changed; approval_pending: nothing happened yet, a human approver must approve it (request says what waits); cancelled: the user declined and nothing was done"},
		"approval_id":    map[string]any{"type": "string", "description": "the request to follow with get_approval, when approval_pending"},
		"expires_at":     map[string]any{"type": "string", "format": "date-time", "description": "when the request expires unless decided, when approval_pending"},
		"approvers_hint": map[string]any{"type": "string", "description": "where and how a human approves it, when approval_pending"},
		"request":        withDescription(requestSchema(), "the gated request, when approval_pending or cancelled"),
	}
	if out != nil {
		props["result"] = withDescription(out, "what the command did, when status is done")
	}
	return map[string]any{"type": "object", "properties": props, "required": []string{"status"}, "additionalProperties": false}
}

func withDescription(s map[string]any, d string) map[string]any {
	c := make(map[string]any, len(s)+1)
	for k, v := range s {
		c[k] = v
	}
	c["description"] = d
	return c
}

// requestSchema is the schema of commands.RequestView, taken from the
// approval command that returns it.
func requestSchema() map[string]any {
	return commands.Builtin().Lookup("approval").OutputSchema()
}
