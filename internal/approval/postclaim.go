package approval

import (
	"context"
	"fmt"
	"time"
)

// ClaimPost records that by (a process instance, named as its posts name
// it in Post.PostedBy) will post request id on platform, for lease. A
// claim is a promise to post that can die with its process, so it holds
// only while renewed: it returns true, for exactly one caller across all
// processes, when
//
//   - nobody has claimed posting id on platform yet,
//   - by holds the claim already (a renewal: the lease starts again), or
//   - the claim lapsed unrenewed and its holder recorded no post of id on
//     platform: the holder died or lost the database before posting.
//
// Otherwise it returns false, and an error wrapping ErrNotFound for an
// unknown id. It never changes the request, so it is no event of the feed.
//
// A lapsed claim is taken over when its holder recorded no post, not when
// nobody did: a confirm prompt in the requester's channel is a post of the
// request on the same platform, and must not stop the approval from being
// posted.
func (s *Store) ClaimPost(ctx context.Context, id, platform, by string, lease time.Duration) (bool, error) {
	if platform == "" || by == "" || lease <= 0 {
		return false, fmt.Errorf("claim posting of request %s: platform, claimant and a positive lease are required", id)
	}
	now := s.now()
	// One statement, so SQLite's write lock decides every race: the insert
	// wins a first claim, the conditional update a renewal or a takeover,
	// and a loser changes nothing.
	res, err := s.db.ExecContext(ctx, `INSERT INTO approval_post_claims (request_id, platform, claimant, until)
		SELECT id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT) FROM approval_requests WHERE id = ?
		ON CONFLICT (request_id, platform) DO UPDATE SET claimant = excluded.claimant, until = excluded.until
		WHERE approval_post_claims.claimant = excluded.claimant
		   OR (approval_post_claims.until <= ? AND NOT EXISTS (SELECT 1 FROM approval_posts p
		        WHERE p.request_id = excluded.request_id AND p.platform = excluded.platform
		          AND p.posted_by = approval_post_claims.claimant))`,
		platform, by, nanos(now.Add(lease)), id, nanos(now))
	if err != nil {
		return false, fmt.Errorf("claim posting of request %s on %s: %w", id, platform, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim posting of request %s on %s: %w", id, platform, err)
	}
	if n == 1 {
		return true, nil
	}
	if _, err := s.current(ctx, "claim posting of", id); err != nil {
		return false, err
	}
	return false, nil
}
