package cyberpanel

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// stepClock is a single-goroutine fake clock: Sleep moves time forward.
type stepClock struct {
	now    time.Time
	slept  []time.Duration
	failAt int // Sleep call (1-based) that fails with context.Canceled; 0 never
}

func (c *stepClock) Now() time.Time { return c.now }

func (c *stepClock) Sleep(_ context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	if len(c.slept) == c.failAt {
		return context.Canceled
	}
	c.now = c.now.Add(d)
	return nil
}

func newTestLimiter(c *stepClock, maxWait time.Duration) *limiter {
	return newLimiter(DefaultRateLimitPerMinute, DefaultRateLimitPerHour, maxWait, c.Now, c.Sleep)
}

// TestLimiterNeverExceedsTheWindows grants 1,100 requests in a row and
// checks every minute and every hour, whatever their alignment, held at
// most 60 and 1,000 of them.
func TestLimiterNeverExceedsTheWindows(t *testing.T) {
	c := &stepClock{now: time.Date(2026, 1, 5, 10, 59, 30, 0, time.UTC)}
	l := newTestLimiter(c, 2*time.Hour)
	var sent []time.Time
	for range 1100 {
		if err := l.wait(t.Context()); err != nil {
			t.Fatalf("wait: %v", err)
		}
		sent = append(sent, c.now)
	}
	for _, w := range []struct {
		n    int
		span time.Duration
	}{{60, time.Minute}, {1000, time.Hour}} {
		for i := range sent {
			if j := i + w.n; j < len(sent) && sent[j].Sub(sent[i]) < w.span {
				t.Fatalf("%d requests within %s: %s and %s", w.n+1, w.span, sent[i], sent[j])
			}
		}
	}
	if got := sent[60].Sub(sent[0]); got != time.Minute+windowMargin {
		t.Errorf("the 61st request went %s after the first, want %s", got, time.Minute+windowMargin)
	}
	if got := sent[1000].Sub(sent[0]); got != time.Hour+windowMargin {
		t.Errorf("the 1001st request went %s after the first, want %s", got, time.Hour+windowMargin)
	}
}

func TestLimiterFailsFastBeyondItsPatience(t *testing.T) {
	c := &stepClock{now: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}
	l := newTestLimiter(c, 10*time.Second)
	for range 60 {
		if err := l.wait(t.Context()); err != nil {
			t.Fatalf("wait: %v", err)
		}
	}
	c.now = c.now.Add(20 * time.Second)
	err := l.wait(t.Context())
	var e *fault.Error
	if !errors.As(err, &e) || e.Class != fault.RateLimited {
		t.Fatalf("61st wait: %v, want rate_limited", err)
	}
	if e.RetryAfter != 41*time.Second || !strings.Contains(e.Message, "60 requests per minute") {
		t.Errorf("refusal %q retry after %s, want 41s and the minute limit named", e.Message, e.RetryAfter)
	}
	if !strings.Contains(e.Error(), "retry in 41s") {
		t.Errorf("Error() = %q lacks the retry hint", e.Error())
	}
	if len(c.slept) != 0 {
		t.Errorf("the refused call slept %v", c.slept)
	}
	// The refusal booked nothing: at the minute's end one call goes at once.
	c.now = c.now.Add(41 * time.Second)
	if err := l.wait(t.Context()); err != nil || len(c.slept) != 0 {
		t.Fatalf("wait after the window: %v (slept %v)", err, c.slept)
	}
	// A context deadline sooner than the turn is refused too, even with
	// patience to spare.
	l = newTestLimiter(c, time.Hour)
	for range 60 {
		l.wait(t.Context())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := l.wait(ctx); fault.ClassOf(err) != fault.RateLimited {
		t.Errorf("wait beyond the deadline: %v, want rate_limited", err)
	}
}

func TestLimiterQueuesInOrder(t *testing.T) {
	c := &stepClock{now: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}
	l := newTestLimiter(c, time.Hour)
	for range 65 {
		if err := l.wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	// The 61st waits for the first to leave the window; the 62nd-65th
	// follow without waiting further, since the first 60 went together.
	if want := time.Minute + windowMargin; len(c.slept) != 1 || c.slept[0] != want {
		t.Errorf("slept %v, want one wait of %s then none", c.slept, want)
	}
}

func TestLimiterHonoursServerHeaders(t *testing.T) {
	c := &stepClock{now: time.Date(2026, 1, 5, 10, 0, 10, 0, time.UTC)}
	l := newTestLimiter(c, time.Hour)
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "60")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Date(2026, 1, 5, 10, 1, 0, 0, time.UTC).Unix(), 10))
	l.observe(h)
	if err := l.wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if want := 50*time.Second + windowMargin; len(c.slept) != 1 || c.slept[0] != want {
		t.Errorf("after Remaining 0 slept %v, want %s", c.slept, want)
	}

	h = http.Header{}
	h.Set("Retry-After", "7")
	l.observe(h)
	if err := l.wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(c.slept) != 2 || c.slept[1] != 7*time.Second {
		t.Errorf("after Retry-After 7 slept %v", c.slept)
	}

	// Remaining above zero does not pause; a garbage reset is ignored.
	h = http.Header{}
	h.Set("X-RateLimit-Remaining", "12")
	h.Set("X-RateLimit-Reset", "soon")
	l.observe(h)
	if err := l.wait(t.Context()); err != nil || len(c.slept) != 2 {
		t.Errorf("wait after Remaining 12: %v, slept %v", err, c.slept)
	}
}

// TestLimiterReleasesACanceledTurn: a caller that gives up while queued
// does not keep its slot.
func TestLimiterReleasesACanceledTurn(t *testing.T) {
	c := &stepClock{now: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), failAt: 1}
	l := newTestLimiter(c, time.Hour)
	for range 60 {
		l.wait(t.Context())
	}
	if err := l.wait(t.Context()); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled wait: %v", err)
	}
	if n := len(l.granted); n != 60 {
		t.Errorf("%d bookings after the cancel, want 60", n)
	}
}

func TestLimiterDisabled(t *testing.T) {
	c := &stepClock{now: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}
	l := newLimiter(-1, -1, time.Second, c.Now, c.Sleep)
	for range 5000 {
		if err := l.wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.slept) != 0 || len(l.granted) > 0 {
		t.Errorf("disabled limiter slept %d times and keeps %d bookings", len(c.slept), len(l.granted))
	}
}
