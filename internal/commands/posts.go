package commands

import (
	"context"

	"github.com/vpsops/vpsops/internal/approval"
)

// The messages that show a request on a chat platform, so that adapters
// never hold the approval store: which process posts a request raised
// elsewhere, and where every copy of it is, to edit each on every change.

// ClaimPosting records that by (a chat process, "slack:<instance>") will
// post request id to its approvals channel. It returns true for exactly one
// caller across all processes.
func (r *Runner) ClaimPosting(ctx context.Context, id, by string) (bool, error) {
	return r.approvals.ClaimNotify(ctx, id, by)
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
