package chat

import (
	"sync"
	"time"
)

// MaxReplays caps how many signatures Replays remembers. Only verified
// requests are recorded, so reaching it takes that many genuine Slack
// requests within twice the window; past it the oldest are forgotten first.
const MaxReplays = 10000

// Replays remembers the signatures of verified requests so that an exact
// replay (the same signed request sent again) is answered once and dropped.
// It is safe for concurrent use.
type Replays struct {
	keep  time.Duration
	clock func() time.Time
	max   int

	mu     sync.Mutex
	expiry map[string]time.Time // signature -> when it may be forgotten
	order  []seen               // oldest first, as recorded
}

type seen struct {
	sig    string
	expiry time.Time
}

// NewReplays returns a replay memory for a verifier whose freshness window
// is window (5 minutes for Slack and Discord). A signature is kept for twice the window from
// when it was first seen: a request whose timestamp was window ahead of the
// clock stays fresh for two windows, and must be recognised as a replay for
// all of that time. clock is time.Now when nil.
func NewReplays(window time.Duration, clock func() time.Time) *Replays {
	if clock == nil {
		clock = time.Now
	}
	return &Replays{keep: 2 * window, clock: clock, max: MaxReplays, expiry: map[string]time.Time{}}
}

// Seen reports whether signature was recorded and has not expired; if not,
// it records it.
func (r *Replays) Seen(signature string) bool {
	now := r.clock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forget(now)
	if exp, ok := r.expiry[signature]; ok && now.Before(exp) {
		return true
	}
	for len(r.order) >= r.max {
		r.drop()
	}
	exp := now.Add(r.keep)
	r.expiry[signature] = exp
	r.order = append(r.order, seen{signature, exp})
	return false
}

// forget drops the expired entries at the front of the order.
func (r *Replays) forget(now time.Time) {
	for len(r.order) > 0 && !now.Before(r.order[0].expiry) {
		r.drop()
	}
}

// drop forgets the oldest entry. The map is left alone when the signature
// was recorded again since (its expiry there is a later one).
func (r *Replays) drop() {
	old := r.order[0]
	r.order = r.order[1:]
	if r.expiry[old.sig].Equal(old.expiry) {
		delete(r.expiry, old.sig)
	}
}

// Len is how many signatures are remembered.
func (r *Replays) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.expiry)
}
