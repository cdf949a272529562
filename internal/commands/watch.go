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
}

// Watch runs until ctx ends: every interval it expires overdue requests,
// marks as interrupted those whose executor stopped renewing its lease
// (they are never re-run), runs approved requests whose secrets this
// process holds, and reports every request changed since the last round.
// Several processes may watch one database: each transition happens once.
func (r *Runner) Watch(ctx context.Context, interval time.Duration, notify func(Notice)) {
	if notify == nil {
		notify = func(Notice) {}
	}
	since := r.clock()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		since = r.watchOnce(ctx, since, notify)
	}
}

func (r *Runner) watchOnce(ctx context.Context, since time.Time, notify func(Notice)) time.Time {
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
		if err != nil {
			continue
		}
		switch {
		case req.State == approval.Approved:
			q := Request{Source: req.Source, Principal: req.Principal, ReplyTo: req.ReplyTo}
			res, err := r.runCleared(ctx, q, req)
			if cur, gerr := r.approvals.Get(ctx, id); gerr == nil {
				req = cur
			}
			notify(Notice{Request: req, Result: &res, Err: err})
			if req.UpdatedAt.After(since) {
				since = req.UpdatedAt
			}
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
