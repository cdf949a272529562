package chat

import (
	"fmt"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// limiter keeps each person's commands and presses within a pace the
// bot, its providers and its audit trail can take: every one of them
// costs a goroutine and durable audit writes, whoever sends it, even a
// workspace member with no grant at all. A token bucket per principal
// (burst, then one every refill) and a cap on what runs at once; past
// either, the person is told to slow down, and that is put on the record
// at most once a minute per person.
type limiter struct {
	burst    float64
	refill   time.Duration
	inFlight int
	now      func() time.Time

	mu sync.Mutex
	m  map[commands.Principal]*bucket
}

type bucket struct {
	tokens   float64
	at       time.Time // when tokens was counted
	running  int
	refused  int       // refusals since the last record
	recorded time.Time // when the last refusal was recorded
}

// Default pace: twenty at once, then one a second, eight running at a
// time. A person at a keyboard (an incident included) stays well within
// it; a script looping on /vps does not. Each replica counts it apart:
// it protects the replica, and N replicas admit up to N times the pace.
const (
	defaultBurst    = 20
	defaultRefill   = time.Second
	defaultInFlight = 8
	// maxPeople bounds the memory of the table; past it, idle people
	// are forgotten (a flood from many people starts them afresh).
	maxPeople = 10000
)

func newLimiter(now func() time.Time) *limiter {
	return &limiter{burst: defaultBurst, refill: defaultRefill, inFlight: defaultInFlight, now: now,
		m: map[commands.Principal]*bucket{}}
}

// take admits one request of who, or returns the error to show them and
// whether to put the refusal on the record (with how many it stands for).
// An admitted request must be ended with done.
func (l *limiter) take(who commands.Principal) (err error, record bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[who]
	if b == nil {
		if len(l.m) >= maxPeople {
			l.forgetIdle()
		}
		b = &bucket{tokens: l.burst, at: now}
		l.m[who] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.refill))
	b.at = now
	var wait time.Duration
	switch {
	case b.running >= l.inFlight:
		wait = l.refill
	case b.tokens < 1:
		wait = time.Duration((1 - b.tokens) * float64(l.refill))
	default:
		b.tokens--
		b.running++
		return nil, false
	}
	b.refused++
	e := &fault.Error{Class: fault.RateLimited, RetryAfter: wait,
		Message: "you are sending commands faster than vpsops takes them; wait a moment"}
	if !b.recorded.IsZero() && now.Sub(b.recorded) < time.Minute {
		return e, false
	}
	if b.refused > 1 {
		e = &fault.Error{Class: fault.RateLimited, RetryAfter: wait,
			Message: fmt.Sprintf("%s (%d refused since the last record)", e.Message, b.refused)}
	}
	b.refused, b.recorded = 0, now
	return e, true
}

// done ends an admitted request of who.
func (l *limiter) done(who commands.Principal) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.m[who]; b != nil && b.running > 0 {
		b.running--
	}
}

// forgetIdle drops the people with nothing running and a full bucket.
func (l *limiter) forgetIdle() {
	now := l.now()
	for p, b := range l.m {
		if b.running == 0 && b.tokens+float64(now.Sub(b.at))/float64(l.refill) >= l.burst {
			delete(l.m, p)
		}
	}
}
