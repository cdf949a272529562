package subletest

import (
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Fault makes matching requests misbehave (see emulator.Fault; Path is
// the URL path without the query). An answer without Body is the
// {"error": Message} envelope; RetryAfter also sets X-RateLimit-Reset (a
// Unix time) and X-RateLimit-Remaining 0.
type Fault = emulator.Fault

// serveFault applies f and reports whether the request is finished.
func serveFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	rateLimited := func(w http.ResponseWriter) {
		if f.RetryAfter > 0 {
			f.SetRateLimited(w, 0, time.Now())
		}
	}
	return f.Serve(w, r, http.StatusInternalServerError, rateLimited, func(w http.ResponseWriter, status int, msg string) {
		if f.Message == "" && status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded. Please try again later." // documented
		}
		writeError(w, status, msg)
	})
}

// setRateHeaders adds the X-RateLimit-* headers the reference says every
// answer carries (names UNVERIFIED, values arbitrary).
func setRateHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "120")
	h.Set("X-RateLimit-Remaining", "119")
}
