package commands

import (
	"context"

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
		if q.mcp() {
			gate, reason = policy.GateApproval, "destructive command requested by an MCP client"
		}
	}
	if pg, rule := r.policy.GateFor(q.subject(), cmd.Name, target); policy.Stricter(gate, pg) != gate {
		gate, reason = pg, rule
	}
	switch {
	case gate == policy.GateConfirm && q.mcp():
		// A form any client can answer by itself proves no person was
		// there: from an AI client, a confirm rule means an approver.
		gate, reason = policy.GateApproval, reason+"; an MCP client's confirmation is no person's"
	case gate == policy.GateConfirm && !q.CanConfirm:
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
		Principal:     string(q.Principal),
		Groups:        q.Groups, // to re-authorize the requester with them when it runs
		Command:       cmd.Name,
		Target:        inv.Target,
		Args:          base.Args,
		Salt:          salt,
		ArgsHash:      approval.ArgsHash(salt, cmd.Name, inv.Target, r.hashArgs(cmd, inv.Args)),
		HasSecrets:    cmd.SecretResult || cmd.hasSecretArgs(inv.Args),
		Reason:        reason,
		ReplyTo:       q.ReplyTo,
	}
	if inv.Server != nil {
		req.TargetName = inv.Server.Name
		if len(inv.Server.IPv4) > 0 {
			req.TargetIP = inv.Server.IPv4[0]
		} else if len(inv.Server.IPv6) > 0 {
			req.TargetIP = inv.Server.IPv6[0]
		}
	}
	created, err := r.approvals.Create(ctx, req)
	if err != nil {
		r.log.Error("storing gated request failed", "command", cmd.Name, "err", err)
		r.finished(cmd.Name, OutcomeError)
		return Result{}, fault.Errorf(fault.Unavailable, "could not store the %s request; nothing was done", gate)
	}
	r.moved(approval.EventCreated, 1)
	if created.HasSecrets {
		r.held.put(created.ID, inv.Args, inv.Generated)
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
		if _, cerr := r.approvals.Cancel(context.WithoutCancel(ctx), created.ID, string(q.Principal)); cerr == nil {
			r.moved(approval.EventCancelled, 1)
		}
		r.held.forget(created.ID)
		r.finished(cmd.Name, OutcomeError)
		return Result{}, fault.Errorf(fault.Unavailable, "the audit log cannot be written, so the %s request was withdrawn; nothing was done", gate)
	}
	if created.State == approval.Confirming {
		r.finished(cmd.Name, OutcomeNeedsConfirm)
	} else {
		r.finished(cmd.Name, OutcomeNeedsApproval)
	}
	res := pendingResult(r.ViewFor(created, q.Viewer()))
	res.Secret = r.generatedFields(created.ID, cmd)
	return res, nil
}

// pendingResult is the answer of a request stopped at a gate.
func pendingResult(v RequestView) Result {
	// No Data: a gated tool's output schema is its command's result, and
	// what waits is in Pending.
	return Result{Title: v.Title, Text: v.Summary, Pending: &v}
}
