package approval

import (
	"context"
	"fmt"
)

// Sweep ends what nobody will finish: confirming and pending requests past
// their ExpiresAt become expired, and so do approved requests nobody claimed
// within one lease after it (one whose secrets died with the requester's
// process can never run, and must not stay claimable forever); executing requests whose lease lapsed
// (LeaseUntil before now) become interrupted; an interrupted request is
// reported, never re-run.
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
		return nil, nil, fmt.Errorf("sweep expired requests: %w", err)
	}
	interrupted, err = s.transitionAll(ctx, EventInterrupted, `UPDATE approval_requests SET state = 'interrupted',
			error = 'executor ' || executor || ' stopped renewing its lease', updated_at = ?
		WHERE state = 'executing' AND lease_until < ?`, now, now)
	if err != nil {
		return expired, nil, fmt.Errorf("sweep interrupted requests: %w", err)
	}
	return expired, interrupted, nil
}
