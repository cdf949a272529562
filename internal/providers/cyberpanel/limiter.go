package cyberpanel

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// windowMargin widens every window and server-given reset: the API counts
// a request when it arrives, later than we let it go, and its clock is not
// ours. A second covers network latency and modest skew.
const windowMargin = time.Second

// maxServerBlock caps how long a server's headers can stop us, in case a
// reset time is garbage or its clock is far off.
const maxServerBlock = time.Hour + windowMargin

// limitWindow is "at most n requests per span".
type limitWindow struct {
	n    int
	span time.Duration
	what string // "per minute", for messages
}

// limiter paces one API key's requests. It keeps the send times it granted
// (a sliding log, so no window of any alignment sees more than n, which
// also satisfies fixed-window counters) and honours what the API says:
// X-RateLimit-Remaining 0 pauses until X-RateLimit-Reset, and Retry-After
// pauses for that long. Callers are served in order; a caller whose turn
// is further off than its context's deadline (or maxWait) is refused at
// once with rate_limited and the time to wait, instead of queueing in vain.
type limiter struct {
	windows []limitWindow
	maxWait time.Duration
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error

	mu      sync.Mutex
	granted []time.Time // ascending; older than the longest window dropped
	blocked time.Time   // the API said: nothing before this
	span    time.Duration
}

func newLimiter(perMinute, perHour int, maxWait time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	l := &limiter{maxWait: maxWait, now: now, sleep: sleep}
	for _, w := range []limitWindow{{perMinute, time.Minute, "per minute"}, {perHour, time.Hour, "per hour"}} {
		if w.n > 0 {
			l.windows = append(l.windows, w)
			l.span = max(l.span, w.span+windowMargin)
		}
	}
	return l
}

// wait returns when a request may be sent. It fails with a rate_limited
// *fault.Error when the turn is too far off, or with ctx's error.
func (l *limiter) wait(ctx context.Context) error {
	for {
		at, err := l.reserve(ctx)
		if err != nil {
			return err
		}
		if d := at.Sub(l.now()); d > 0 {
			if err := l.sleep(ctx, d); err != nil {
				l.release(at)
				return err
			}
		}
		// While we slept, an answer may have told us to pause (another
		// client spends the same key): give the slot back and queue again.
		l.mu.Lock()
		if !l.now().Before(l.blocked) {
			l.mu.Unlock()
			return nil
		}
		l.releaseLocked(at)
		l.mu.Unlock()
	}
}

// reserve books the earliest send time the limits allow, after every
// earlier booking, or refuses when it is beyond the caller's patience.
func (l *limiter) reserve(ctx context.Context) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.granted) > 0 {
		cut := now.Add(-l.span)
		i, _ := slices.BinarySearchFunc(l.granted, cut, func(t, c time.Time) int { return t.Compare(c) })
		l.granted = l.granted[i:]
	}
	at, why := now, ""
	if n := len(l.granted); n > 0 && l.granted[n-1].After(at) {
		at = l.granted[n-1]
	}
	for _, w := range l.windows {
		if n := len(l.granted); n >= w.n {
			if t := l.granted[n-w.n].Add(w.span + windowMargin); t.After(at) {
				at, why = t, fmt.Sprintf("client-side rate limit of %d requests %s per API key reached", w.n, w.what)
			}
		}
	}
	if l.blocked.After(at) {
		at, why = l.blocked, "CyberPanel API rate limit reached"
	}
	if wait := at.Sub(now); wait > 0 {
		patience := l.maxWait
		if dl, ok := ctx.Deadline(); ok {
			patience = min(patience, time.Until(dl))
		}
		if wait > patience {
			return time.Time{}, &fault.Error{Class: fault.RateLimited, Message: why,
				RetryAfter: time.Duration(math.Ceil(wait.Seconds())) * time.Second}
		}
	}
	if len(l.windows) > 0 { // with no limit of our own, only the FIFO order needs no log
		l.granted = append(l.granted, at)
	}
	return at, nil
}

// release gives back a booking that was not used.
func (l *limiter) release(at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.releaseLocked(at)
}

func (l *limiter) releaseLocked(at time.Time) {
	for i := len(l.granted) - 1; i >= 0; i-- {
		if l.granted[i].Equal(at) {
			l.granted = slices.Delete(l.granted, i, i+1)
			return
		}
	}
}

// observe takes the API's word from a response's headers: Retry-After,
// and X-RateLimit-Remaining 0 until X-RateLimit-Reset (unix seconds).
func (l *limiter) observe(h http.Header) {
	now := l.now()
	until := time.Time{}
	if d := wire.RetryAfter(h, now); d > 0 {
		until = now.Add(d)
	}
	if rem, err := strconv.Atoi(h.Get("X-RateLimit-Remaining")); err == nil && rem <= 0 {
		if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			if t := time.Unix(reset, 0).Add(windowMargin); t.After(until) {
				until = t
			}
		}
	}
	until = minTime(until, now.Add(maxServerBlock))
	l.mu.Lock()
	if until.After(l.blocked) {
		l.blocked = until
	}
	l.mu.Unlock()
}

func minTime(a, b time.Time) time.Time {
	if a.After(b) {
		return b
	}
	return a
}
