package slack

import (
	"strconv"
	"sync"
	"time"
)

// refusals counts refused requests, and says when one should be written
// to the record: at most once per interval.
type refusals struct {
	every   time.Duration
	mu      sync.Mutex
	last    time.Time
	pending int
}

func newRefusals(every time.Duration) *refusals { return &refusals{every: every} }

// note counts one refusal; write says to record it, with count the
// refusals it stands for.
func (f *refusals) note(now time.Time) (count int, write bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending++
	if !f.last.IsZero() && now.Sub(f.last) < f.every {
		return f.pending, false
	}
	count, f.pending, f.last = f.pending, 0, now
	return count, true
}

func itoa(n int) string { return strconv.Itoa(n) }
