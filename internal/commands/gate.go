package commands

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/policy"
)

// gateFor decides which gate an authorized action must pass. Every
// destructive command needs the requester's confirmation, and approval
// when an MCP principal asks; the policy's gate rules may ask for more.
// A confirm gate the source cannot show becomes an approval.
func (r *Runner) gateFor(q *Request, cmd *Command, target string) (policy.Gate, string) {
	gate, reason := policy.GateNone, ""
	if cmd.Risk == Destructive {
		gate, reason = policy.GateConfirm, "destructive command"
		if q.Kind() == "mcp" {
			gate, reason = policy.GateApproval, "destructive command requested by an MCP client"
		}
	}
	if pg, rule := r.policy.Gate(q.Principal, cmd.Name, target); policy.Stricter(gate, pg) != gate {
		gate, reason = pg, rule
	}
	if gate == policy.GateConfirm && !q.CanConfirm {
		gate, reason = policy.GateApproval, reason+"; the requester cannot confirm from "+q.Source
	}
	return gate, reason
}

// hold stops an action at its gate: it stores a request (its secret
// arguments stay in this process only), audits it and returns a Pending
// result for the adapter to render as buttons.
func (r *Runner) hold(ctx context.Context, q *Request, inv *Invocation, base audit.Record, gate policy.Gate, reason string) (Result, error) {
	cmd := inv.Command
	salt := approval.NewSalt()
	req := approval.Request{
		// A human confirms first even when an approver must also agree:
		// approvers should never see requests made by a typo.
		NeedsConfirm:  q.CanConfirm && (cmd.Risk == Destructive || gate == policy.GateConfirm),
		NeedsApproval: gate == policy.GateApproval,
		Source:        q.Source,
		Principal:     q.Principal,
		Command:       cmd.Name,
		Target:        inv.Target,
		Args:          base.Args,
		Salt:          salt,
		ArgsHash:      approval.ArgsHash(salt, cmd.Name, inv.Target, r.hashArgs(cmd, inv.Args)),
		HasSecrets:    cmd.SecretResult || cmd.hasSecretArgs(inv.Args),
		Reason:        reason,
		ReplyTo:       q.ReplyTo,
	}
	created, err := r.approvals.Create(ctx, req)
	if err != nil {
		r.log.Error("storing gated request failed", "command", cmd.Name, "err", err)
		return Result{}, fault.Errorf(fault.Unavailable, "could not store the %s request; nothing was done", gate)
	}
	if created.HasSecrets {
		r.mu.Lock()
		r.held[created.ID] = inv.Args
		r.mu.Unlock()
	}
	requested := base
	requested.Stage, requested.ApprovalID = audit.StageRequested, created.ID
	rec := base
	rec.ApprovalID, rec.Decision = created.ID, string(gate)
	if created.State == approval.Confirming {
		rec.Stage = audit.StageConfirmRequested
	} else {
		rec.Stage = audit.StageApprovalRequested
	}
	err = r.record(ctx, q, requested)
	if err == nil {
		err = r.record(ctx, q, rec)
	}
	if err != nil {
		// A gated request nobody can see in the audit trail must not be
		// actionable: withdraw it.
		r.approvals.Cancel(context.WithoutCancel(ctx), created.ID, q.Principal)
		r.forget(created.ID)
		return Result{}, fault.Errorf(fault.Unavailable, "the audit log cannot be written, so the %s request was withdrawn; nothing was done", gate)
	}
	return Result{Title: pendingTitle(created), Text: reasonLine(created), Pending: pendingOf(created, cmd)}, nil
}

func pendingOf(req approval.Request, cmd *Command) *Pending {
	p := &Pending{Request: req, Gate: "approval"}
	if req.State == approval.Confirming {
		p.Gate = "confirm"
	}
	p.Prompt = prompt(req, cmd)
	return p
}

// prompt is the question shown with the buttons; it names the exact action.
func prompt(req approval.Request, cmd *Command) string {
	warn := ""
	switch cmd.Name {
	case "delete":
		warn = " The server and its data will be gone; this cannot be undone."
	case "reinstall":
		warn = " Every file on the server will be erased."
	case "poweroff":
		warn = " Like pulling the plug: unsaved data in the guest is lost."
	case "reset":
		warn = " Like pressing the reset button: unsaved data in the guest is lost."
	}
	return fmt.Sprintf("%s?%s", describe(req), warn)
}

// describe renders "reinstall demo-fra/web-1 image=debian-12" from the
// stored (redacted) request.
func describe(req approval.Request) string {
	return req.Command + " " + req.Target + argSuffix(req.Args)
}

func pendingTitle(req approval.Request) string {
	if req.State == approval.Confirming {
		return fmt.Sprintf("Confirm %s (request %s)", describe(req), req.ID)
	}
	return fmt.Sprintf("Approval needed: %s (request %s)", describe(req), req.ID)
}

func reasonLine(req approval.Request) string {
	if req.State == approval.Confirming {
		next := "`confirm " + req.ID + "` to go ahead, `cancel " + req.ID + "` to drop it"
		if req.NeedsApproval {
			next += "; after you confirm, an approver must also approve"
		}
		return fmt.Sprintf("Expires %s. %s.", req.ExpiresAt.UTC().Format("15:04 UTC"), next)
	}
	return fmt.Sprintf("Waiting for an approver (%s). Expires %s. Approvers: `approve %s` or `deny %s [reason]`.",
		req.Reason, req.ExpiresAt.UTC().Format("15:04 UTC"), req.ID, req.ID)
}
