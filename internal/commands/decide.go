package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/policy"
)

// Confirm is the requester confirming their own gated request. If no
// approval is needed the action runs now and its result is returned.
func (r *Runner) Confirm(ctx context.Context, q Request, id string) (Result, error) {
	if err := r.checkGroups(ctx, &q, audit.Record{Command: "confirm", ApprovalID: id}); err != nil {
		return Result{}, err
	}
	// The watcher starts the approved requests whose secrets this process
	// holds. One this confirmation clears runs right here, so it is marked
	// running before it becomes approved: otherwise the watcher could start
	// it too, in the moment before this run claims it, and the loser would
	// tell the requester of a failed run of a request that ran.
	release := func() {}
	if _, held := r.held.get(id); held {
		if !r.held.start(id) {
			return Result{}, fault.Errorf(fault.Conflict, "request %s is already running here; its requester will be shown the result", id)
		}
		release = func() { r.held.done(id) }
	}
	defer release()
	req, err := r.approvals.Confirm(ctx, id, string(q.Principal))
	if err != nil {
		return Result{}, r.decisionError(ctx, &q, "confirm", id, err)
	}
	r.moved(approval.EventConfirmed, 1)
	r.recordDecision(ctx, &q, req, audit.StageConfirmed, "confirm", "")
	if req.State == approval.Pending {
		rec := decisionRecord(req, audit.StageApprovalRequested, "approval", "")
		r.record(ctx, &q, rec)
		r.finished(req.Command, OutcomeNeedsApproval)
		res := pendingResult(r.ViewFor(req, q.Viewer()))
		res.Request = res.Pending
		res.Secret = r.generatedFields(req.ID, r.reg.Lookup(req.Command))
		return res, nil // the watcher starts it once it is approved
	}
	// The requester is here, in the process holding any secrets: run it.
	return r.runCleared(ctx, q, req)
}

// Cancel is the requester dropping their own gated request.
func (r *Runner) Cancel(ctx context.Context, q Request, id string) (Result, error) {
	if err := r.checkGroups(ctx, &q, audit.Record{Command: "cancel", ApprovalID: id}); err != nil {
		return Result{}, err
	}
	req, err := r.approvals.Cancel(ctx, id, string(q.Principal))
	if err != nil {
		return Result{}, r.decisionError(ctx, &q, "cancel", id, err)
	}
	r.moved(approval.EventCancelled, 1)
	r.held.forget(id)
	r.recordDecision(ctx, &q, req, audit.StageCancelled, "cancel", "")
	v := r.ViewFor(req, q.Viewer())
	return Result{Title: fmt.Sprintf("Cancelled %s (request %s)", describe(req), id), Text: "Nothing was done.", Request: &v, Data: v}, nil
}

// Decide is an approver approving or denying someone else's request. Who
// decides comes from the adapter's verified identity (signed platform
// payload, MCP token, OS user), never from the button value, which
// carries only the id. An approved request runs here unless it carries
// secrets: those run in the requester's process (the only place the
// secrets exist), whose watcher delivers the result to the requester alone
// — even when that process is this one.
func (r *Runner) Decide(ctx context.Context, q Request, id string, approve bool, note string) (Result, error) {
	verb := map[bool]string{true: "approve", false: "deny"}[approve]
	if err := r.checkGroups(ctx, &q, audit.Record{Command: verb, ApprovalID: id}); err != nil {
		return Result{}, err
	}
	current, err := r.approvals.Get(ctx, id)
	if err != nil {
		return Result{}, r.decisionError(ctx, &q, verb, id, err)
	}
	attempt := decisionRecord(current, "", "", "")
	attempt.Command = verb
	if q.mcp() {
		return Result{}, r.refuse(ctx, &q, attempt, audit.StageDenied, denied("MCP clients can never approve or deny requests"))
	}
	if q.Principal.SamePerson(Principal(current.Principal)) {
		return Result{}, r.refuse(ctx, &q, attempt, audit.StageDenied, denied("you cannot %s your own request; another approver must", verb))
	}
	// A group may make the presser an approver; it never makes them
	// someone other than the requester (checked above, by person).
	d := r.policy.DecideFor(q.subject(), "approval.grant", current.Target)
	if !d.Allowed {
		attempt.Rule = d.Rule
		if !r.maySee(q.Viewer(), current) {
			// Someone who may not even see the request learns nothing
			// of it, not even that it exists: the not-found answer.
			return Result{}, r.refuse(ctx, &q, attempt, audit.StageDenied, noSuchRequest(id))
		}
		return Result{}, r.refuse(ctx, &q, attempt, audit.StageDenied,
			denied("%s may not approve requests on %s (needs approval.grant)", q.Principal, current.Target))
	}
	var req approval.Request
	if approve {
		req, err = r.approvals.Approve(ctx, id, string(q.Principal))
	} else {
		req, err = r.approvals.Deny(ctx, id, string(q.Principal), note)
	}
	if err != nil {
		return Result{}, r.decisionError(ctx, &q, verb, id, err)
	}
	if !approve {
		r.moved(approval.EventDenied, 1)
		r.held.forget(id)
		r.recordDecision(ctx, &q, req, audit.StageApprovalDenied, "deny", d.Rule)
		v := r.ViewFor(req, q.Viewer())
		return Result{Title: fmt.Sprintf("Denied %s (request %s)", describe(req), id), Text: v.Summary + ".", Request: &v, Data: v}, nil
	}
	r.moved(approval.EventApproved, 1)
	r.recordDecision(ctx, &q, req, audit.StageApproved, "approve", d.Rule)
	if req.HasSecrets {
		return Result{
			Title:   fmt.Sprintf("Approved %s (request %s)", describe(req), id),
			Text:    "It carries secrets that only the requester's session holds, so it runs there and only the requester sees the result.",
			Request: ptr(r.ViewFor(req, q.Viewer())),
			Data:    r.ViewFor(req, q.Viewer()),
		}, nil
	}
	res, err := r.runCleared(ctx, q, req)
	// The approver is not the requester: never show them secrets.
	res.Secret = nil
	return res, err
}

// runCleared executes an approved request exactly once: the claim is a
// conditional update that only one caller in any process wins, bound to
// the hash of the exact arguments, and the requester is authorized again
// (the policy may have changed since they asked).
func (r *Runner) runCleared(ctx context.Context, by Request, req approval.Request) (Result, error) {
	start := r.clock()
	cmd := r.reg.Lookup(req.Command)
	if cmd == nil {
		return Result{}, fault.Errorf(fault.Internal, "request %s names unknown command %q", req.ID, req.Command)
	}
	args, generated, err := r.argsFor(cmd, req)
	if err != nil {
		return Result{}, err
	}
	claimed, err := r.approvals.Claim(ctx, req.ID, approval.ArgsHash(req.Salt, cmd.Name, req.Target, r.hashArgs(cmd, args)))
	if errors.Is(err, approval.ErrArgsChanged) {
		// Tampering with the stored request, or a bug: never run it.
		e := fault.Errorf(fault.Conflict, "request %s: its arguments no longer match what was approved; it will not run", req.ID)
		return Result{}, r.refuse(ctx, &by, decisionRecord(req, "", "", ""), audit.StageDenied, e)
	}
	if err != nil {
		return Result{}, r.decisionError(ctx, &by, "run", req.ID, err)
	}
	r.moved(approval.EventExecuting, 1)
	defer r.held.forget(req.ID)
	stop := r.approvals.Hold(ctx, req.ID)
	defer stop()

	// The request runs as the requester, with the groups it asked with,
	// wherever it was approved.
	q := Request{Source: claimed.Source, Principal: Principal(claimed.Principal), Groups: claimed.Groups,
		Command: cmd.Name, ReplyTo: claimed.ReplyTo, Progress: by.Progress}
	inv := &Invocation{runner: r, Request: &q, Command: cmd, Args: args, Generated: generated, Principal: claimed.Principal, ApprovalID: claimed.ID}
	base := audit.Record{Command: cmd.Name, Args: claimed.Args, Target: claimed.Target, ApprovalID: claimed.ID}
	res, runErr := r.runClaimed(ctx, inv, claimed, base, start)

	outcome, class, msg := res.Title, "", ""
	if runErr != nil {
		outcome, class, msg = "", string(fault.ClassOf(runErr)), safeMessage(runErr)
	}
	final, ferr := r.approvals.Finish(context.WithoutCancel(ctx), claimed.ID, runErr == nil, outcome, class, msg)
	if ferr != nil {
		r.log.Error("recording the outcome of an approved request failed", "id", claimed.ID, "err", ferr)
	} else {
		r.moved(approval.EventFinished, 1)
		res.Request = ptr(r.ViewFor(final, by.Viewer()))
	}
	return res, runErr
}

// runClaimed resolves and re-authorizes a claimed request, checks that the
// policy does not now ask for a stricter gate than it passed, then
// executes it.
func (r *Runner) runClaimed(ctx context.Context, inv *Invocation, claimed approval.Request, base audit.Record, start time.Time) (Result, error) {
	q, cmd := inv.Request, inv.Command
	p, id, err := r.fleet.Resolve(ctx, base.Target)
	if err != nil {
		rec := base
		rec.Stage, rec.Outcome = audit.StageExecuted, audit.OutcomeError
		rec.ErrorClass, rec.Error = string(fault.ClassOf(err)), safeMessage(err)
		r.record(ctx, q, rec)
		return Result{}, err
	}
	inv.Provider, inv.ServerID, inv.Target = p, id, base.Target
	d := r.policy.DecideFor(q.subject(), cmd.Permission, inv.Target)
	base.Rule = d.Rule
	if !d.Allowed {
		return Result{}, r.deny(ctx, q, base, cmd, inv.Target)
	}
	if gate, rule := r.gateFor(&Request{Source: q.Source, Principal: q.Principal, Groups: q.Groups, CanConfirm: true}, cmd, inv.Target); gate == policy.GateApproval && !claimed.NeedsApproval {
		e := denied("the policy now requires approval for %s on %s (%s); request it again", cmd.Name, inv.Target, rule)
		return Result{}, r.refuse(ctx, q, base, audit.StageDenied, e)
	}
	return r.execute(ctx, inv, base, start)
}

// argsFor rebuilds the full arguments of a stored request: those this
// process holds (secrets included), or else the stored ones, which can
// only be complete when the command declares no secret among them.
func (r *Runner) argsFor(cmd *Command, req approval.Request) (Args, map[string]bool, error) {
	if h, ok := r.held.get(req.ID); ok {
		return h.args, h.generated, nil
	}
	if req.HasSecrets {
		return nil, nil, fault.Errorf(fault.Conflict, "request %s carries secrets held only by the requester's session; it runs there", req.ID)
	}
	var raw map[string]any
	if err := json.Unmarshal(req.Args, &raw); err != nil && len(req.Args) > 0 {
		return nil, nil, fault.Errorf(fault.Internal, "request %s: stored arguments unreadable", req.ID)
	}
	if cmd.hasSecretArgs(raw) {
		// Defence in depth: stored secrets are always redacted, and a
		// redacted value must never be mistaken for the real one.
		return nil, nil, fault.Errorf(fault.Internal, "request %s: stored arguments are redacted; it cannot run here", req.ID)
	}
	args, err := cmd.Validate(raw)
	if err != nil {
		return nil, nil, fault.Errorf(fault.Internal, "request %s: stored arguments invalid: %v", req.ID, err)
	}
	return args, nil, nil
}

// decisionError words a failed transition for the person who tried it,
// and audits the attempt when it was refused for who they are.
func (r *Runner) decisionError(ctx context.Context, q *Request, verb, id string, err error) error {
	var ce *approval.ConflictError
	switch {
	case errors.Is(err, approval.ErrNotFound):
		return r.refuse(ctx, q, audit.Record{Command: verb, ApprovalID: id}, audit.StageRejected, noSuchRequest(id))
	case errors.As(err, &ce):
		if ce.JustExpired {
			// This click found it past its deadline and expired it; no
			// sweep will report it, so the expiry is audited here.
			r.moved(approval.EventExpired, 1)
			r.recordFor(ctx, ce.Current, audit.StageExpired, "")
		}
		// A lost race or a double click: on the record, changing nothing.
		e := fault.Errorf(fault.Conflict, "cannot %s request %s: %s", verb, id, stateWords(ce.Current))
		rec := decisionRecord(ce.Current, "", "", "")
		rec.Command = verb
		return r.refuse(ctx, q, rec, audit.StageRejected, e)
	case errors.Is(err, approval.ErrSelfApproval), errors.Is(err, approval.ErrNotRequester):
		why := "only the requester can confirm or cancel it"
		if errors.Is(err, approval.ErrSelfApproval) {
			why = "you cannot approve or deny your own request"
		}
		var e error = denied("cannot %s request %s: %s", verb, id, why)
		rec := audit.Record{ApprovalID: id}
		if cur, gerr := r.approvals.Get(ctx, id); gerr == nil {
			rec = decisionRecord(cur, "", "", "")
			if !r.maySee(q.Viewer(), cur) {
				e = noSuchRequest(id)
			}
		}
		rec.Command = verb
		return r.refuse(ctx, q, rec, audit.StageDenied, e)
	}
	var de *fault.Error
	if errors.As(err, &de) {
		return err
	}
	r.log.Error("approval store failed", "verb", verb, "id", id, "err", err)
	return fault.Errorf(fault.Unavailable, "could not %s request %s: the approval store failed; nothing was done", verb, id)
}

func (r *Runner) recordDecision(ctx context.Context, q *Request, req approval.Request, stage audit.Stage, decision, rule string) {
	r.record(ctx, q, decisionRecord(req, stage, decision, rule))
}

func decisionRecord(req approval.Request, stage audit.Stage, decision, rule string) audit.Record {
	return audit.Record{Command: req.Command, Target: req.Target, Args: req.Args, Stage: stage, Decision: decision, Rule: rule, ApprovalID: req.ID}
}

func ptr[T any](v T) *T { return &v }
