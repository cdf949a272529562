package commands

import (
	"context"
	"encoding/json"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
)

// Notice tells an adapter that a gated request changed, possibly in
// another process, and what happened (Event): so it can tell the requester
// where they asked, or edit every posted copy of an approval message.
// Adapters render it with View, never from the stored request.
type Notice struct {
	Event     approval.Event
	ID        string
	Requester string
	State     approval.State
	Version   int64
	// ReplyTo is the adapter's reference given when the request was made.
	ReplyTo json.RawMessage
	// Result is set when this process ran the request just now on the
	// requester's behalf (it held the request's secrets): it may carry
	// Secret fields, for the requester only.
	Result *Result
	Err    error
	// Progress is set for a progress event.
	Progress *Progress

	req    approval.Request
	runner *Runner
}

// View is the request as viewer sees it now.
func (n Notice) View(viewer Principal) RequestView { return n.runner.View(n.req, Principal(viewer)) }

// ViewFor is the request as v, with its groups, sees it now.
func (n Notice) ViewFor(v Viewer) RequestView { return n.runner.ViewFor(n.req, v) }

// RanHere says this process executed the request: the run itself shows
// its requester progress and the result where they asked, so a consumer
// that tells requesters skips the feed's copies of them. Posted copies of
// the request are still edited with them: the watcher passes every change
// on, whichever process made it.
func (n Notice) RanHere() bool { return n.req.Executor != "" && n.req.Executor == n.runner.Instance() }

func (r *Runner) notice(ev approval.Event, req approval.Request) Notice {
	n := Notice{Event: ev, ID: req.ID, Requester: req.Principal, State: req.State, Version: req.Version,
		ReplyTo: req.ReplyTo, req: req, runner: r}
	if ev == approval.EventProgress && !req.Progress.At.IsZero() {
		n.Progress = &Progress{Message: req.Progress.Text, Percent: req.Progress.Percent, At: req.Progress.At}
	}
	return n
}

// Watch runs until ctx ends: every interval it expires overdue requests,
// marks as interrupted those whose executor stopped renewing its lease
// (they are never re-run), starts approved requests whose secrets this
// process holds, and reports every change since the last round, in the
// order the changes were made, from the store's feed. Several processes
// may watch one database: each transition happens once, and each of them
// hears of every one, progress of the requests this process runs included
// (Notice.RanHere tells those apart).
//
// When ctx ends, Watch gives the requests it is running up to grace to
// finish, withdraws the gated requests whose secrets only this process
// holds (they could never run once it is gone), and returns.
func (r *Runner) Watch(ctx context.Context, interval, grace time.Duration, notify func(Notice)) {
	r.WatchWoken(ctx, interval, nil, grace, notify)
}

// WatchWoken is Watch that also reads the feed whenever wake fires (a
// store.Listener on the approval feed's channel): a change made by
// another process is reported, and an approved request whose secrets this
// process holds is started, at once rather than at the next tick, so the
// interval may be longer. Sweeping (expiry, interrupted executions) keeps
// to the ticks: a wake-up is some process's change, not the clock's. A nil
// wake never fires.
func (r *Runner) WatchWoken(ctx context.Context, interval time.Duration, wake <-chan struct{}, grace time.Duration, notify func(Notice)) {
	if notify == nil {
		notify = func(Notice) {}
	}
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	t := time.NewTicker(interval)
	defer t.Stop()
	after, err := r.approvals.LatestVersion(ctx)
	for err != nil && ctx.Err() == nil {
		r.log.Warn("reading the approval feed failed; retrying", "err", err)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		after, err = r.approvals.LatestVersion(ctx)
	}
	for {
		sweep := true
		select {
		case <-ctx.Done():
			stopAfter := time.AfterFunc(grace, cancelWork)
			r.inflight.Wait()
			stopAfter.Stop()
			// Not work: past the grace it is cancelled, and the requests
			// only this process could run must still be withdrawn.
			release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			r.releaseHeld(release)
			cancel()
			return
		case <-t.C:
		case <-wake:
			sweep = false
		}
		after = r.watchOnce(ctx, work, after, notify, sweep)
	}
}

func (r *Runner) watchOnce(ctx, work context.Context, after int64, notify func(Notice), sweep bool) int64 {
	if sweep {
		r.sweep(ctx)
	}
	for _, id := range r.held.ids() {
		req, err := r.approvals.Get(ctx, id)
		switch {
		case err != nil:
		case req.State == approval.Approved:
			r.startHeld(work, req, notify)
		case req.State.Terminal():
			r.held.forget(id)
		}
	}
	for {
		changes, err := r.approvals.Feed(ctx, after, feedPage)
		if err != nil {
			r.log.Warn("reading approval changes failed", "err", err)
			return after
		}
		for _, c := range changes {
			after = c.Version
			n := r.notice(c.Event, c.Request)
			n.Version = c.Version
			notify(n)
		}
		if len(changes) < feedPage {
			return after
		}
	}
}

// sweep ends what nobody will finish (see approval.Store.Sweep), when this
// process is the one that sweeps: replicas sharing a database elect one to
// do it (the duty "sweeper", Options.Sweeps), and every one of them still
// reads the feed and runs the held requests only it can run. Each sweep
// result is returned to exactly one process: that one audits and counts
// it. Every process hears of it from the feed.
func (r *Runner) sweep(ctx context.Context) {
	if r.sweeps != nil && !r.sweeps() {
		r.sweeping = false
		return
	}
	if !r.sweeping {
		if r.sweeps != nil {
			// The duty was just taken: leases are judged only once this
			// replica has watched for a whole lease itself. (Without a
			// duty every process sweeps from its start, and the store
			// watches from its opening.)
			r.approvals.ResumeSweeping()
		}
		r.auditMissedSweeps(ctx)
	}
	r.sweeping = true
	expired, interrupted, err := r.approvals.Sweep(ctx)
	if err != nil {
		r.log.Warn("sweeping approval requests failed", "err", err)
	}
	r.moved(approval.EventExpired, len(expired))
	r.moved(approval.EventInterrupted, len(interrupted))
	for _, req := range expired {
		r.held.forget(req.ID)
		r.recordFor(ctx, req, audit.StageExpired, "")
	}
	for _, req := range interrupted {
		r.recordFor(ctx, req, audit.StageInterrupted, "the process running it stopped; it will not be run again")
	}
}

// feedPage is how many changes one read of the feed takes.
const feedPage = 200

// startHeld runs an approved request whose secrets this process holds, in
// its own goroutine so the watcher keeps sweeping and reporting, relaying
// progress and the result (secrets included) to the requester only.
func (r *Runner) startHeld(ctx context.Context, req approval.Request, notify func(Notice)) {
	if !r.held.start(req.ID) {
		return
	}
	// req was read before the mark: the requester's confirmation may have
	// run it here meanwhile (it forgets the secrets, then drops its mark).
	// Running it again would only report a false failure.
	if _, held := r.held.get(req.ID); !held {
		r.held.done(req.ID)
		return
	}
	if cur, err := r.approvals.Get(ctx, req.ID); err != nil || cur.State != approval.Approved {
		r.held.done(req.ID)
		return
	}
	r.inflight.Add(1)
	go func() {
		defer r.inflight.Done()
		defer r.held.done(req.ID)
		// These notices describe req as approved, before this process
		// claimed it: RanHere is false on them, so the requester is shown
		// them, and not the feed's copies of the same steps.
		q := Request{Source: req.Source, Principal: Principal(req.Principal), Groups: req.Groups, ReplyTo: req.ReplyTo,
			Progress: func(p Progress) {
				n := r.notice(approval.EventProgress, req)
				n.Progress = &p
				notify(n)
			}}
		res, err := r.runCleared(ctx, q, req)
		if cur, gerr := r.approvals.Get(context.WithoutCancel(ctx), req.ID); gerr == nil {
			req = cur
		}
		n := r.notice(approval.EventFinished, req)
		n.Result, n.Err = &res, err
		notify(n)
	}()
}

// releaseHeld withdraws, on the requester's behalf, the requests that can
// only run in this process, so approvers are not left deciding something
// that can never happen.
func (r *Runner) releaseHeld(ctx context.Context) {
	const why = "the requester's session ended; its secret arguments are never stored, so it cannot run"
	for _, id := range r.held.ids() {
		req, err := r.approvals.Get(ctx, id)
		if err != nil || req.State.Terminal() || req.State == approval.Executing {
			continue
		}
		if c, err := r.approvals.Withdraw(ctx, id, req.Principal, why); err == nil {
			r.moved(approval.EventCancelled, 1)
			r.recordFor(ctx, c, audit.StageCancelled, why)
		}
		r.held.forget(id)
	}
}

// recordFor audits a transition the system made on the requester's behalf.
func (r *Runner) recordFor(ctx context.Context, req approval.Request, stage audit.Stage, msg string) {
	q := Request{Source: req.Source, Principal: Principal(req.Principal), Groups: req.Groups}
	rec := decisionRecord(req, stage, "", "")
	if msg != "" {
		rec.Outcome, rec.Error = audit.OutcomeError, msg
	}
	r.record(ctx, &q, rec)
}

// PendingNotices are notices of every request that waits for an approver
// now, oldest first, as if each had just been raised: a chat adapter
// starting up hands them to its approval poster, so that a request raised
// while no bot ran (a restart, a deploy), or whose poster died, still
// reaches the approvals channel. The watcher only reports changes made
// after it started.
func (r *Runner) PendingNotices(ctx context.Context) ([]Notice, error) {
	reqs, err := r.approvals.List(ctx, approval.Filter{States: []approval.State{approval.Pending}})
	if err != nil {
		return nil, err
	}
	out := make([]Notice, 0, len(reqs))
	for i := len(reqs) - 1; i >= 0; i-- {
		out = append(out, r.notice(approval.EventCreated, reqs[i]))
	}
	return out, nil
}
