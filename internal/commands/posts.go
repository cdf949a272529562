package commands

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
)

// The messages that show a request on a chat platform, so that adapters
// never hold the approval store: which process posts a request raised
// elsewhere, and where every copy of it is, to edit each on every change.

// PostingLease is how long a claim to post a request holds unrenewed.
// While it holds nobody else posts the request on that platform; once it
// lapses with no post recorded by its holder, another process takes over.
// So it bounds how much later an approver sees a request whose poster
// died (one lease and one retry round). It must outlast one platform call
// (the holder renews right before posting, not during the call; chat APIs
// that have not answered in about 10 s have failed) and a renewal that
// waits for the database's write lock, or a live but slow poster is taken
// over and the request posted twice.
const PostingLease = 15 * time.Second

// ClaimPosting records that by (a chat process's instance, as its posts
// name it) will post request id on platform, for PostingLease. It returns
// true for exactly one caller across all processes while the claim holds,
// and again for the holder: calling it again renews the claim (see
// approval.Store.ClaimPost).
func (r *Runner) ClaimPosting(ctx context.Context, id, platform, by string) (bool, error) {
	return r.approvals.ClaimPost(ctx, id, platform, by, PostingLease)
}

// RecordPost records a message that shows a request, so that every
// process edits it when the request changes.
func (r *Runner) RecordPost(ctx context.Context, p approval.Post) error {
	return r.approvals.AddPost(ctx, p)
}

// Posts lists the messages that show request id, on every platform,
// oldest first.
func (r *Runner) Posts(ctx context.Context, id string) ([]approval.Post, error) {
	return r.approvals.Posts(ctx, id)
}
