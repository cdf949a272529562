package commands

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Invocation is what a command's Run receives: validated arguments and, for
// commands on one server, the resolved provider and id.
type Invocation struct {
	Runner    *Runner
	Request   *Request
	Command   *Command
	Args      Args
	Provider  *providers.Provider // nil unless the command targets a server
	ServerID  string
	Target    string // "provider/id"
	Principal string
	// ApprovalID is set when the invocation runs an approved request.
	ApprovalID string
}

// Wait waits for op to finish, relaying its progress to the requester,
// bounded by the runner's operation timeout.
func (inv *Invocation) Wait(ctx context.Context, op *driver.Operation) error {
	if op == nil || op.Wait == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, inv.Runner.opTimeout)
	defer cancel()
	report := func(p driver.Progress) {
		if p.At.IsZero() {
			p.At = time.Now()
		}
		if inv.Request != nil && inv.Request.Progress != nil {
			inv.Request.Progress(p)
		}
	}
	return op.Wait(ctx, report)
}
