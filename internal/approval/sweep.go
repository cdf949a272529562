package approval

import (
	"context"
	"fmt"
	"time"
)

// Sweep ends what nobody will finish: confirming and pending requests past
// their ExpiresAt become expired, and so do approved requests nobody claimed
// within one lease after it (one whose secrets died with the requester's
// process can never run, and must not stay claimable forever); executing
// requests whose lease lapsed (LeaseUntil before now) become interrupted,
// once the database has been writable for a whole lease (see
// sweepInterrupted); an interrupted request is reported, never re-run.
//
// It returns the requests it changed. Each sweep is a single UPDATE, so when
// several processes sweep at once every request is changed, and returned, by
// exactly one of them: that one reports it.
func (s *Store) Sweep(ctx context.Context) (expired, interrupted []Request, err error) {
	now := nanos(s.now())
	expired, err = s.transitionAll(ctx, EventExpired, `UPDATE approval_requests SET state = 'expired', updated_at = ?
		WHERE (state IN ('confirming', 'pending') AND expires_at <= ?)
		   OR (state = 'approved' AND expires_at + ? < ?)`, now, now, int64(s.lease), now)
	if err != nil {
		s.sawLocked()
		return nil, nil, fmt.Errorf("sweep expired requests: %w", err)
	}
	interrupted, err = s.sweepInterrupted(ctx)
	if err != nil {
		s.sawLocked()
		return expired, nil, fmt.Errorf("sweep interrupted requests: %w", err)
	}
	return expired, interrupted, nil
}

// sweepInterrupted marks interrupted the executing requests whose lease
// lapsed. A lapsed lease proves a dead executor only if the executor could
// have renewed it: while another process holds the write lock, no renewal
// commits, and a live executor's lease lapses too. So a lease is judged only
// when this Store has found the database writable for at least one lease
// (its sweeps, every second or so, neither failed nor waited long for the
// lock); the executor then had a whole lease, several renewal ticks, to
// commit a renewal. The judgement is made holding the write lock, against
// the clock read once the lock is held, so it sees every renewal committed
// before it.
func (s *Store) sweepInterrupted(ctx context.Context) ([]Request, error) {
	asked := s.now()
	tx, err := s.eventTx(ctx) // waits for the write lock (SQLite) or the feed lock (PostgreSQL)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := s.now()
	if now.Sub(asked) >= s.lease/3 {
		// Waited as long as a renewal interval: an executor's renewal may
		// have failed meanwhile.
		s.sawLockedAt(now)
	}
	s.mu.Lock()
	judge := !now.Before(s.writable.Add(s.lease))
	s.mu.Unlock()
	if !judge {
		return nil, nil
	}
	out, err := queryRequests(ctx, tx, `UPDATE approval_requests SET state = 'interrupted',
			error = 'the process running it stopped renewing its lease', updated_at = ?
		WHERE state = 'executing' AND lease_until < ?
		RETURNING `+columns, nanos(now), nanos(now))
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Version, err = appendEvent(ctx, tx, out[i].ID, EventInterrupted, now); err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// ResumeSweeping tells the Store that it starts sweeping after a time it
// did not (a replica taking the sweeper duty over): it has not watched
// whether executors could renew meanwhile (the database may have been
// down for everyone), so Sweep judges leases only once a whole lease has
// passed from now, as after a locked database.
func (s *Store) ResumeSweeping() { s.sawLocked() }

// sawLocked notes that the database was not writable just now.
func (s *Store) sawLocked() { s.sawLockedAt(s.now()) }

func (s *Store) sawLockedAt(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.writable) {
		s.writable = t
	}
}
