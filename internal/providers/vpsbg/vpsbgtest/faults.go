package vpsbgtest

import (
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Fault replaces or delays the answer to matching requests (see
// emulator.Fault; Path is relative to URL, e.g. "/servers/2864/stop").
// An answer without Body is Laravel's {"message": Message}; RetryAfter
// also sends the exhausted X-RateLimit-* headers Laravel's throttle sends
// with a 429.
type Fault = emulator.Fault

// throttled adds the headers Laravel's throttle sends with f's
// RetryAfter.
func throttled(f *Fault) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if f.RetryAfter > 0 {
			f.SetRateLimited(w, rateLimit, time.Now())
		}
	}
}
