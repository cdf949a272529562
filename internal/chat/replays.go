package chat

import (
	"context"
	"sync"
	"time"
)

// MaxReplays caps how many keys Replays remembers. Only verified
// deliveries are recorded, so reaching it takes that many genuine
// requests within their keep; past it the oldest are forgotten first.
const MaxReplays = 10000

// Replays is the Deliveries of one process: a bounded memory of the keys
// of verified deliveries, so that an exact replay (the same signed request
// sent again) or a redelivery is acted on once and dropped. It never
// fails. It is safe for concurrent use.
type Replays struct {
	clock func() time.Time
	max   int

	mu     sync.Mutex
	expiry map[string]time.Time // key -> when it may be forgotten
	order  []seen               // as recorded, oldest first
}

type seen struct {
	key    string
	expiry time.Time
}

// NewReplays returns an empty memory. clock is time.Now when nil.
func NewReplays(clock func() time.Time) *Replays {
	if clock == nil {
		clock = time.Now
	}
	return &Replays{clock: clock, max: MaxReplays, expiry: map[string]time.Time{}}
}

// Seen reports whether key was recorded and has not expired; if not, it
// records it until keep from now.
func (r *Replays) Seen(_ context.Context, key string, keep time.Duration) (bool, error) {
	now := r.clock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forget(now)
	if exp, ok := r.expiry[key]; ok && now.Before(exp) {
		return true, nil
	}
	for len(r.order) >= r.max {
		r.drop()
	}
	exp := now.Add(keep)
	r.expiry[key] = exp
	r.order = append(r.order, seen{key, exp})
	return false, nil
}

// forget drops the expired entries at the front of the order. An entry
// recorded with a shorter keep than one before it waits for that one:
// it is already treated as expired by Seen, and the cap bounds them.
func (r *Replays) forget(now time.Time) {
	for len(r.order) > 0 && !now.Before(r.order[0].expiry) {
		r.drop()
	}
}

// drop forgets the oldest entry. The map is left alone when the key was
// recorded again since (its expiry there is a later one).
func (r *Replays) drop() {
	old := r.order[0]
	r.order = r.order[1:]
	if r.expiry[old.key].Equal(old.expiry) {
		delete(r.expiry, old.key)
	}
}

// Len is how many keys are remembered.
func (r *Replays) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.expiry)
}
