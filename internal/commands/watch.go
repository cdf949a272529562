package commands

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
)

// Notice tells an adapter that a gated request changed, possibly in
// another process: so it can tell the requester where they asked
// (Request.ReplyTo), or edit an approval message.
type Notice struct {
	Request approval.Request
	// Result is set when this process ran the request just now on the
	// requester's behalf (it held the request's secrets): it may carry
	// Secret fields, for the requester only.
	Result *Result
	Err    error
	// Progress is set while this process runs such a request.
	Progress *Progress
}

// Watch runs until ctx ends: every interval it expires overdue requests,
// marks as interrupted those whose executor stopped renewing its lease
// (they are never re-run), starts approved requests whose secrets this
// process holds, and reports every request changed since the last round.
// Several processes may watch one database: each transition happens once.
//
// When ctx ends, Watch gives the requests it is running up to grace to
// finish, withdraws the gated requests whose secrets only this process
// holds (they could never run once it is gone), and returns.
func (r *Runner) Watch(ctx context.Context, interval, grace time.Duration, notify func(Notice)) {
	if notify == nil {
		notify = func(Notice) {}
	}
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	since := r.clock()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			stopAfter := time.AfterFunc(grace, cancelWork)
			r.inflight.Wait()
			stopAfter.Stop()
			r.releaseHeld(work)
			return
		case <-t.C:
		}
		since = r.watchOnce(ctx, work, since, notify)
	}
}

func (r *Runner) watchOnce(ctx, work context.Context, since time.Time, notify func(Notice)) time.Time {
	expired, interrupted, err := r.approvals.Sweep(ctx)
	if err != nil {
		r.log.Warn("sweeping approval requests failed", "err", err)
	}
	// Each sweep result is returned to exactly one process: that one
	// audits and reports it (Changes may report it again; adapters
	// de-duplicate by request state).
	for _, req := range expired {
		r.forget(req.ID)
		r.recordFor(ctx, req, audit.StageExpired, "")
		notify(Notice{Request: req})
	}
	for _, req := range interrupted {
		r.recordFor(ctx, req, audit.StageInterrupted, "the process running it stopped; it will not be run again")
		notify(Notice{Request: req})
	}
	for _, id := range r.heldIDs() {
		req, err := r.approvals.Get(ctx, id)
		switch {
		case err != nil:
		case req.State == approval.Approved:
			r.startHeld(work, req, notify)
		case req.State.Terminal():
			r.forget(id)
		}
	}
	changed, err := r.approvals.Changes(ctx, since, "")
	if err != nil {
		r.log.Warn("reading approval changes failed", "err", err)
		return since
	}
	for _, req := range changed {
		if req.UpdatedAt.After(since) {
			since = req.UpdatedAt
		}
		notify(Notice{Request: req})
	}
	return since
}

// startHeld runs an approved request whose secrets this process holds, in
// its own goroutine so the watcher keeps sweeping and reporting, relaying
// progress and the result (secrets included) to the requester only.
func (r *Runner) startHeld(ctx context.Context, req approval.Request, notify func(Notice)) {
	r.mu.Lock()
	if r.running[req.ID] {
		r.mu.Unlock()
		return
	}
	r.running[req.ID] = true
	r.inflight.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.inflight.Done()
		defer func() { r.mu.Lock(); delete(r.running, req.ID); r.mu.Unlock() }()
		q := Request{Source: req.Source, Principal: req.Principal, ReplyTo: req.ReplyTo,
			Progress: func(p Progress) { notify(Notice{Request: req, Progress: &p}) }}
		res, err := r.runCleared(ctx, q, req)
		if res.Request != nil {
			req = *res.Request
		} else if cur, gerr := r.approvals.Get(context.WithoutCancel(ctx), req.ID); gerr == nil {
			req = cur
		}
		notify(Notice{Request: req, Result: &res, Err: err})
	}()
}

// releaseHeld withdraws, on the requester's behalf, the requests that can
// only run in this process, so approvers are not left deciding something
// that can never happen.
func (r *Runner) releaseHeld(ctx context.Context) {
	for _, id := range r.heldIDs() {
		req, err := r.approvals.Get(ctx, id)
		if err != nil || req.State.Terminal() || req.State == approval.Executing {
			continue
		}
		if req.State == approval.Approved {
			// Cancel does not leave approved; expiry will sweep it, and
			// the audit says why it never ran.
			r.recordFor(ctx, req, audit.StageCancelled, "the requester's session ended; its secret arguments are never stored, so it cannot run")
			continue
		}
		if c, err := r.approvals.Cancel(ctx, id, req.Principal); err == nil {
			r.recordFor(ctx, c, audit.StageCancelled, "the requester's session ended; its secret arguments are never stored, so it cannot run")
		}
		r.forget(id)
	}
}

// recordFor audits a transition the system made on the requester's behalf.
func (r *Runner) recordFor(ctx context.Context, req approval.Request, stage audit.Stage, msg string) {
	q := Request{Source: req.Source, Principal: req.Principal}
	rec := decisionRecord(req, stage, "", "")
	if msg != "" {
		rec.Outcome, rec.Error = audit.OutcomeError, msg
	}
	r.record(ctx, &q, rec)
}

func (r *Runner) heldIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.held))
	for id := range r.held {
		ids = append(ids, id)
	}
	return ids
}
