package discordtest

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure the fake answers a call with instead of serving it.
// Build one with RateLimit, GlobalRateLimit, ServerError, Garbage or Delay.
type Fault struct {
	kind       faultKind
	retryAfter float64 // seconds, for a rate limit
	global     bool
	status     int
	delay      time.Duration
}

type faultKind int

const (
	faultRateLimit faultKind = iota + 1
	faultStatus
	faultGarbage
	faultDelay
)

// RateLimit answers as Discord does over a route's limit: HTTP 429,
// Retry-After in whole seconds (rounded up), the X-RateLimit-* headers
// with Remaining 0 and Reset-After in fractional seconds, scope "user",
// and {"message":"You are being rate limited.","retry_after":1.5,
// "global":false}. discordgo sleeps retry_after and retries when
// ShouldRetryOnRateLimit is set (its default), and returns a
// *discordgo.RateLimitError otherwise.
func RateLimit(retryAfterSeconds float64) Fault {
	return Fault{kind: faultRateLimit, retryAfter: retryAfterSeconds}
}

// GlobalRateLimit is RateLimit over the global limit: "global":true and
// X-RateLimit-Global, which holds every route in discordgo.
func GlobalRateLimit(retryAfterSeconds float64) Fault {
	return Fault{kind: faultRateLimit, retryAfter: retryAfterSeconds, global: true}
}

// ServerError answers with an HTTP status (500, 502, 503...) and an HTML
// body, as Discord's edge does when it is down. discordgo retries a 502
// up to MaxRestRetries times.
func ServerError(status int) Fault { return Fault{kind: faultStatus, status: status} }

// Garbage answers HTTP 200 with a body that is not JSON.
func Garbage() Fault { return Fault{kind: faultGarbage} }

// Delay holds the call for d (or until the client gives up or the fake
// closes) and then serves it normally.
func Delay(d time.Duration) Fault { return Fault{kind: faultDelay, delay: d} }

// Fail makes the next n calls of route fail with f, after any failures
// already queued for it. route is one of the Route constants.
func (s *Server) Fail(route string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[route] = append(s.faults[route], f)
	}
}

// called counts a call of route and returns the fault queued for it.
func (s *Server) called(route string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.calls[route]++
	s.changedLocked()
	q := s.faults[route]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[route] = q[1:]
	return q[0], true
}

// bucket is the opaque bucket id Discord names a route's limit with.
func bucket(route string) string {
	h := fnv.New64a()
	h.Write([]byte(route))
	return fmt.Sprintf("%016x", h.Sum64())
}

// answer writes the fault's answer and reports whether it did; a delay
// writes nothing and lets the call go on.
func (s *Server) answer(f Fault, route string, w http.ResponseWriter, r *http.Request) bool {
	switch f.kind {
	case faultRateLimit:
		h := w.Header()
		h.Set("Retry-After", strconv.Itoa(int(f.retryAfter+0.999)))
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(f.retryAfter, 'f', 3, 64))
		reset := float64(s.opts.Clock().UnixMilli())/1000 + f.retryAfter
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
		h.Set("X-RateLimit-Bucket", bucket(route))
		h.Set("X-RateLimit-Scope", "user")
		if f.global {
			h.Set("X-RateLimit-Global", "true")
			h.Set("X-RateLimit-Scope", "global")
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]any{
			"message": "You are being rate limited.", "retry_after": f.retryAfter, "global": f.global,
		})
	case faultStatus:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte("<html><body>" + http.StatusText(f.status) + "</body></html>"))
	case faultGarbage:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("<html>not json"))
	case faultDelay:
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-s.closed:
		}
		return false
	}
	return true
}
