package commands

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Invocation is what a command's Run receives: validated arguments and, for
// commands on one server, the resolved provider and id.
type Invocation struct {
	runner   *Runner
	Request  *Request
	Command  *Command
	Args     Args
	Provider *providers.Provider // nil unless the command targets a server
	ServerID string
	Target   string // "provider/id"
	// Server is the target as read before a gated action (it exists, and
	// people are shown its name and IP); nil for ungated commands.
	Server    *driver.Server
	Principal string
	// Generated names the arguments vpsops generated (a root password):
	// the requester is shown them, and records say "[generated]".
	Generated map[string]bool
	// ApprovalID is set when the invocation runs an approved request.
	ApprovalID string
}

// Wait waits for op to finish, relaying its progress to the requester,
// bounded by the runner's operation timeout.
func (inv *Invocation) Wait(ctx context.Context, op *driver.Operation) error {
	if op == nil || op.Wait == nil {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, inv.runner.opTimeout)
	defer cancel()
	th := NewThrottle(inv.runner.progressInterval, func(p Progress) { inv.progress(ctx, p) })
	err := op.Wait(wctx, func(p driver.Progress) {
		if p.At.IsZero() {
			p.At = inv.Now()
		}
		th.Report(progressOf(p))
	})
	th.Flush()
	if err != nil && wctx.Err() != nil {
		// The provider accepted the action; we only stopped watching. Say
		// so: "try again" would be wrong advice for a reinstall or delete
		// that is still running.
		return &fault.Error{Class: fault.Unavailable, Err: err, Message: fmt.Sprintf(
			"%s was started but not seen to finish (%s); its outcome is unknown, check `status %s` before doing anything else",
			inv.Command.Name, waitEnd(ctx, wctx), inv.Target)}
	}
	return err
}

// progress passes one (throttled) step to the requester and, for a gated
// request, to the store, where every other process (a chat message of the
// approval, an MCP client's get_approval) reads it.
func (inv *Invocation) progress(ctx context.Context, p Progress) {
	if inv.Request != nil && inv.Request.Progress != nil {
		inv.Request.Progress(p)
	}
	if inv.ApprovalID != "" {
		_, err := inv.runner.approvals.ReportProgress(context.WithoutCancel(ctx), inv.ApprovalID,
			approval.Progress{Text: p.Message, Percent: p.Percent, At: p.At})
		if err != nil {
			inv.runner.log.Debug("recording progress failed", "id", inv.ApprovalID, "err", err)
		}
	}
}

func waitEnd(parent, wait context.Context) string {
	if parent.Err() != nil {
		return "stopped waiting: shutdown or cancelled"
	}
	return "gave up waiting after the operation timeout"
}
