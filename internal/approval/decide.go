package approval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The decisions move a request out of confirming or pending. Each is one
// UPDATE whose WHERE clause holds every rule: the starting state, who may
// decide, and that the deadline has not passed. When it changes no row,
// explain re-reads the request to say which rule failed.
//
// A request past its ExpiresAt is expired even before Sweep gets to it: a
// decision on it moves it to expired and fails with a *ConflictError whose
// JustExpired is set.

// Confirm records the requester's confirmation: confirming → pending (with a
// fresh TTL) if the request also needs approval, else confirming → approved.
// Only the requester may confirm (ErrNotRequester).
func (s *Store) Confirm(ctx context.Context, id, by string) (Request, error) {
	now := s.now()
	return s.decide(ctx, "confirm", EventConfirmed, id, by, now, requesterOnly(by), []State{Confirming},
		`UPDATE approval_requests SET
			state = CASE WHEN needs_approval THEN 'pending' ELSE 'approved' END,
			expires_at = CASE WHEN needs_approval THEN ? ELSE expires_at END,
			decided_by = ?, updated_at = ?
		WHERE id = ? AND state = 'confirming' AND principal = ? AND expires_at > ?`,
		nanos(now.Add(s.ttl)), by, nanos(now), id, by, nanos(now))
}

// Cancel withdraws a request that is still waiting: confirming or pending →
// cancelled. Only the requester may cancel (ErrNotRequester).
func (s *Store) Cancel(ctx context.Context, id, by string) (Request, error) {
	now := s.now()
	return s.decide(ctx, "cancel", EventCancelled, id, by, now, requesterOnly(by), []State{Confirming, Pending},
		`UPDATE approval_requests SET state = 'cancelled', decided_by = ?, updated_at = ?
		WHERE id = ? AND state IN ('confirming', 'pending') AND principal = ? AND expires_at > ?`,
		by, nanos(now), id, by, nanos(now))
}

// Withdraw is the requester's session ending under a request whose
// secret arguments only that session held: confirming, pending or
// approved → cancelled, with note saying why, since it can never run
// anywhere else. (Cancel never leaves approved: there the requester's
// change of mind comes too late.)
func (s *Store) Withdraw(ctx context.Context, id, by, note string) (Request, error) {
	now := s.now()
	return s.decide(ctx, "withdraw", EventCancelled, id, by, now, requesterOnly(by), []State{Confirming, Pending},
		`UPDATE approval_requests SET state = 'cancelled', decided_by = ?, decision_note = ?, updated_at = ?
		WHERE id = ? AND principal = ? AND has_secrets
		  AND ((state IN ('confirming', 'pending') AND expires_at > ?) OR state = 'approved')`,
		by, note, nanos(now), id, by, nanos(now))
}

// Approve records an approval: pending → approved. The requester can never
// approve their own request (ErrSelfApproval). Whether by holds the
// permission to approve is the caller's policy decision, made before this.
func (s *Store) Approve(ctx context.Context, id, by string) (Request, error) {
	now := s.now()
	return s.decide(ctx, "approve", EventApproved, id, by, now, notRequester(by), []State{Pending},
		`UPDATE approval_requests SET state = 'approved', decided_by = ?, updated_at = ?
		WHERE id = ? AND state = 'pending' AND principal != ? AND expires_at > ?`,
		by, nanos(now), id, by, nanos(now))
}

// Deny records a refusal with its reason: pending → denied. The requester
// cannot deny their own request either (ErrSelfApproval); they cancel it.
func (s *Store) Deny(ctx context.Context, id, by, note string) (Request, error) {
	now := s.now()
	return s.decide(ctx, "deny", EventDenied, id, by, now, notRequester(by), []State{Pending},
		`UPDATE approval_requests SET state = 'denied', decided_by = ?, decision_note = ?, updated_at = ?
		WHERE id = ? AND state = 'pending' AND principal != ? AND expires_at > ?`,
		by, note, nanos(now), id, by, nanos(now))
}

func requesterOnly(by string) func(Request) error {
	return func(cur Request) error {
		if cur.Principal != by {
			return ErrNotRequester
		}
		return nil
	}
}

func notRequester(by string) func(Request) error {
	return func(cur Request) error {
		if cur.Principal == by {
			return ErrSelfApproval
		}
		return nil
	}
}

// decide runs one decision UPDATE (q, args) and, if it lost, explains why.
func (s *Store) decide(ctx context.Context, op string, ev Event, id, by string, now time.Time, rule func(Request) error, from []State, q string, args ...any) (Request, error) {
	if by == "" {
		// An empty principal would slip through "principal != ?".
		return Request{}, fmt.Errorf("%s request %s: no principal given", op, id)
	}
	r, ok, err := s.transition(ctx, ev, q, args...)
	if err != nil {
		return Request{}, fmt.Errorf("%s request %s: %w", op, id, err)
	}
	if ok {
		return r, nil
	}
	cur, err := s.current(ctx, op, id)
	if err != nil {
		return Request{}, err
	}
	if err := rule(cur); err != nil {
		return Request{}, fmt.Errorf("%s request %s: %w", op, id, err)
	}
	if slices.Contains(from, cur.State) && !now.Before(cur.ExpiresAt) {
		return Request{}, s.expireOne(ctx, op, id, now)
	}
	return Request{}, &ConflictError{Current: cur}
}

// expireOne moves one waiting request past its deadline to expired and
// returns the *ConflictError that reports it.
func (s *Store) expireOne(ctx context.Context, op, id string, now time.Time) error {
	r, ok, err := s.transition(ctx, EventExpired, `UPDATE approval_requests SET state = 'expired', updated_at = ?
		WHERE id = ? AND state IN ('confirming', 'pending') AND expires_at <= ?`,
		nanos(now), id, nanos(now))
	if err != nil {
		return fmt.Errorf("%s request %s: expire it: %w", op, id, err)
	}
	if ok {
		return &ConflictError{Current: r, JustExpired: true}
	}
	// A sweeper or another decision got there first.
	cur, err := s.current(ctx, op, id)
	if err != nil {
		return err
	}
	return &ConflictError{Current: cur}
}

// conflict builds the error of a transition that changed no row and has
// no rule of its own to explain: the request is missing or in another state.
func (s *Store) conflict(ctx context.Context, op, id string) error {
	cur, err := s.current(ctx, op, id)
	if err != nil {
		return err
	}
	return &ConflictError{Current: cur}
}

// current re-reads a request after a lost transition, naming op in errors.
func (s *Store) current(ctx context.Context, op, id string) (Request, error) {
	r, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Request{}, fmt.Errorf("%s request %s: %w", op, id, ErrNotFound)
	}
	if err != nil {
		return Request{}, fmt.Errorf("%s request %s: %w", op, id, err)
	}
	return r, nil
}
