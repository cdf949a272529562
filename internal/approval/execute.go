package approval

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/sqlite"
)

// Execution: approved → executing → succeeded | failed. The process that
// claims a request holds a lease on it (LeaseUntil) and renews it while the
// action runs; if it dies, the lease lapses and Sweep marks the request
// interrupted (an executor that was alive after all still records its
// outcome: see Finish). Nothing ever moves a request back to approved, so an
// approved action runs at most once.

// Claim takes the right to execute an approved request: approved → executing,
// with Executor = Instance() and LeaseUntil = now + Lease. Exactly one caller
// wins across all goroutines and processes; the others get a *ConflictError.
//
// argsHash is ArgsHash recomputed (with the request's Salt) from the
// arguments about to run. If its binding to the request (see binding)
// differs from the stored one the claim fails with ErrArgsChanged and the
// request stays approved.
func (s *Store) Claim(ctx context.Context, id, argsHash string) (Request, error) {
	if argsHash == "" {
		return Request{}, fmt.Errorf("claim request %s: no arguments hash given", id)
	}
	// The binding covers the requester and its groups, so they are read
	// first; the update then insists on that same requester and groups.
	cur, err := s.current(ctx, "claim", id)
	if err != nil {
		return Request{}, err
	}
	now := s.now()
	r, ok, err := s.transition(ctx, EventExecuting, `UPDATE approval_requests SET
			state = 'executing', executor = ?, lease_until = ?, updated_at = ?
		WHERE id = ? AND state = 'approved' AND principal = ? AND groups IS NOT DISTINCT FROM ? AND args_hash = ?`,
		s.instance, nanos(now.Add(s.lease)), nanos(now), id, cur.Principal, groupsText(cur.Groups),
		s.binding(id, cur.Principal, cur.Groups, argsHash))
	if err != nil {
		return Request{}, fmt.Errorf("claim request %s: %w", id, err)
	}
	if ok {
		return r, nil
	}
	if cur, err = s.current(ctx, "claim", id); err != nil {
		return Request{}, err
	}
	if cur.State == Approved && cur.ArgsHash != s.binding(id, cur.Principal, cur.Groups, argsHash) {
		return Request{}, fmt.Errorf("claim request %s: %w", id, ErrArgsChanged)
	}
	return Request{}, &ConflictError{Current: cur}
}

// Renew extends the lease of a request this instance is executing to now +
// Lease. It fails with a *ConflictError if the request is no longer executing
// under this instance (Sweep judged it interrupted). A lease that lapsed but
// was not swept yet is renewed: the executor is evidently alive.
//
// Renewing does not change UpdatedAt: it is no news to the requester.
func (s *Store) Renew(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE approval_requests SET lease_until = ?
		WHERE id = ? AND state = 'executing' AND executor = ?`,
		nanos(s.now().Add(s.lease)), id, s.instance)
	if err != nil {
		return fmt.Errorf("renew lease on request %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("renew lease on request %s: %w", id, err)
	}
	if n == 0 {
		return s.conflict(ctx, "renew lease on", id)
	}
	return nil
}

// Finish records the outcome of a request this instance is executing:
// executing → succeeded (ok) or failed, with a one-line outcome and, on
// failure, the error class and message. Never pass secrets: every field is
// stored and shown.
//
// The outcome is what really happened, and only this instance knows it, so
// it is recorded even if Sweep marked the request interrupted meanwhile (a
// lease can lapse while the database is locked, or the process was
// suspended): interrupted → succeeded | failed, for this executor only. A
// locked database is waited out (finishAttempts busy timeouts). It fails
// with a *ConflictError if the request is in any other state or another
// instance claimed it; the outcome is then the caller's to report
// elsewhere.
func (s *Store) Finish(ctx context.Context, id string, ok bool, outcome, errClass, errMsg string) (Request, error) {
	state := Failed
	if ok {
		state = Succeeded
	}
	for attempt := 1; ; attempt++ {
		r, won, err := s.transition(ctx, EventFinished, `UPDATE approval_requests SET
				state = ?, outcome = ?, error_class = ?, error = ?, updated_at = ?
			WHERE id = ? AND state IN ('executing', 'interrupted') AND executor = ?`,
			string(state), outcome, errClass, errMsg, nanos(s.now()), id, s.instance)
		switch {
		case err == nil && won:
			s.dropProgress(ctx, id)
			return r, nil
		case err == nil:
			return Request{}, s.conflict(ctx, "finish", id)
		case sqlite.IsBusy(err) && attempt < finishAttempts && ctx.Err() == nil:
			continue
		}
		return Request{}, fmt.Errorf("finish request %s: %w", id, err)
	}
}

// finishAttempts bounds how long Finish waits out a locked database: this
// many busy timeouts (a minute by default), so a process whose database
// stays locked still ends.
const finishAttempts = 6

// dropProgress deletes a finished request's progress events: the outcome
// supersedes them, and a request reporting every second for an hour would
// otherwise leave thousands. Best effort: a failure leaves them for the
// next finish to outnumber, nothing more.
func (s *Store) dropProgress(ctx context.Context, id string) {
	_, _ = s.db.ExecContext(ctx, `DELETE FROM approval_events WHERE request_id = ? AND event = 'progress'`, id)
}
