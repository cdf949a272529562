// Package commands is the one command layer every source goes through:
// Slack, Discord, the shell and MCP turn their input into a Request, the
// Runner validates it, resolves the server, asks the policy, applies the
// confirm/approval gate, calls the provider and audits every stage, and the
// source renders the Result. Each command is declared once, here, and that
// declaration drives the chat grammar, the help text, the MCP tool schema
// and the policy check.
package commands

import (
	"context"
	"reflect"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Risk says how much harm a command can do; it decides the default gate.
type Risk int

const (
	Read        Risk = iota // reads only
	Change                  // changes state, recoverable (power on, mount an ISO)
	Destructive             // loses data or service (delete, reinstall, hard power-off): always gated
	Sensitive               // reveals access (console credentials): shown only to the requester
)

func (r Risk) String() string {
	switch r {
	case Read:
		return "read"
	case Change:
		return "change"
	case Destructive:
		return "destructive"
	case Sensitive:
		return "sensitive"
	}
	return "unknown"
}

// Command is the single declaration of one operation.
type Command struct {
	Name    string // chat name, one or two words: "reboot", "iso mount"
	Summary string // one line for help and tool descriptions
	Tool    string // MCP tool name; "" when the command is not offered to MCP
	// Permission checked by the policy before anything else happens; ""
	// means anyone may run it (help, whoami, confirm/cancel of one's own).
	Permission string
	Risk       Risk
	// Danger says what the action does to the server, in words shown with
	// every confirm and approval prompt: "Every file on the server will be
	// erased."
	Danger string
	// Needs is the driver capability the command uses; checked before the
	// gate, so nobody confirms an action the provider cannot do.
	Needs driver.Capability
	// Power is the power action for power commands, checked the same way.
	Power driver.PowerAction
	Args  []Arg
	// SecretResult marks commands whose result carries secrets (console
	// credentials, a generated root password): they execute only in the
	// requester's own process, so the secret is shown to nobody else.
	SecretResult bool
	// Idempotent is the MCP idempotentHint: repeating the call has no
	// further effect.
	Idempotent bool
	// Prepare, when set, settles arguments once the server is resolved and
	// before the gate (e.g. generates a password), so that what is
	// confirmed is what runs. Its error is the user's (invalid input).
	Prepare func(ctx context.Context, inv *Invocation) error
	Run     func(ctx context.Context, inv *Invocation) (Result, error)
	// Output is the type of the Data that Run returns (a struct, so that
	// MCP structured content is an object); OutputSchema is generated
	// from it. Nil when the command returns no data of its own.
	Output reflect.Type
	// internal marks commands served by the Runner itself (confirm,
	// approve, ...) rather than through the gate.
	internal bool
}

// Target reports whether the command acts on one server: its first
// argument is a required, positional server reference. (An optional
// server= filter, as audit has, does not make a command targeted.)
func (c *Command) Target() bool {
	return len(c.Args) > 0 && c.Args[0].Kind == KindServer && c.Args[0].Required && c.Args[0].Positional
}

// Usage is the one-line chat syntax, e.g. "reinstall <server> <image> [password=<pw>]".
func (c *Command) Usage() string {
	u := c.Name
	for _, a := range c.Args {
		switch {
		case a.Positional && a.Required:
			u += " <" + a.Name + ">"
		case a.Positional:
			u += " [" + a.Name + "]"
		case a.Required:
			u += " " + a.Name + "=<" + a.placeholder() + ">"
		default:
			u += " [" + a.Name + "=<" + a.placeholder() + ">]"
		}
	}
	return u
}

// Gated reports whether the command may stop at a gate (it changes something).
func (c *Command) Gated() bool { return !c.internal && c.Risk != Read }
