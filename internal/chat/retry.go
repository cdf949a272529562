package chat

import (
	"errors"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// What a platform's failure means for delivering it again. Editing a
// message is idempotent, so any failure but a permanent one is retried.
// Posting is not: a timeout may hide a message that was posted, and a
// retry then posts a second one. That is retried too, on purpose: a stray
// copy of an approval (its buttons still checked on every press) costs
// less than an approval nobody was shown.

// permanent reports whether retrying cannot fix err: the message or
// channel is gone, or the platform refuses the call as such.
func permanent(err error) bool {
	switch fault.ClassOf(err) {
	case fault.NotFound, fault.Invalid, fault.PermissionDenied, fault.Unsupported:
		return true
	}
	return false
}

// retryAfter is how long the platform asked to wait before the next call,
// for a rate limit that said so.
func retryAfter(err error) time.Duration {
	var e *fault.Error
	if errors.As(err, &e) && e.Class == fault.RateLimited {
		return e.RetryAfter
	}
	return 0
}
