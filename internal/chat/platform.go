package chat

import (
	"context"

	"github.com/vpsops/vpsops/internal/commands"
)

// Platform is one chat platform as Approvals needs it: somewhere to post a
// request's view and edit it later. Implementations lay out the view
// (title, fields, the actions as buttons carrying the action and the
// request id only) and classify their API's failures with package fault,
// so that Approvals knows what retrying can fix: a *fault.Error of class
// RateLimited with RetryAfter set delays the next attempt; NotFound,
// Invalid, PermissionDenied and Unsupported are never retried; anything
// else is retried on the next round.
//
// Post and Update are called from one goroutine at a time.
type Platform interface {
	// Name is the platform's name as recorded with its posts: "slack",
	// "discord".
	Name() string
	// ApprovalsChannel is the channel approval requests are posted to.
	ApprovalsChannel() string
	// Approver is the viewer approval messages are rendered for: a
	// principal that may approve, so the view's actions are approve and
	// deny. Who pressed a button is still checked when it is pressed.
	Approver() commands.Principal
	// Post posts v to channel and returns the new message's id.
	Post(ctx context.Context, channel string, v commands.RequestView) (messageID string, err error)
	// Update replaces message messageID in channel with v. Editing a
	// message to what it shows already must be harmless: it is how a
	// failure is retried.
	Update(ctx context.Context, channel, messageID string, v commands.RequestView) error
}
