package approval

import (
	"context"
	"fmt"
)

// ClaimNotify records that by (a chat process) will post the request to an
// approvals channel. It returns true for exactly one caller across all
// processes, false for every later one, and an error wrapping ErrNotFound
// for an unknown id. It does not change UpdatedAt.
func (s *Store) ClaimNotify(ctx context.Context, id, by string) (bool, error) {
	if by == "" {
		return false, fmt.Errorf("claim notification of request %s: no claimant given", id)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE approval_requests SET notified_by = ?
		WHERE id = ? AND notified_by = ''`, by, id)
	if err != nil {
		return false, fmt.Errorf("claim notification of request %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim notification of request %s: %w", id, err)
	}
	if n == 1 {
		return true, nil
	}
	if _, err := s.current(ctx, "claim notification of", id); err != nil {
		return false, err
	}
	return false, nil
}
