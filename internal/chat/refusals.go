package chat

import (
	"strconv"
	"sync"
	"time"
)

// Refusals counts requests an adapter refused before they reached the
// runner (a bad signature, a malformed payload), and says when one should
// be written to the record: anyone who can reach an endpoint can make
// refusals, and each record is a durable write to the audit chain, so at
// most one is written per interval, counting those it stands for.
type Refusals struct {
	every   time.Duration
	mu      sync.Mutex
	last    time.Time
	pending int
}

// NewRefusals writes at most one record per every.
func NewRefusals(every time.Duration) *Refusals { return &Refusals{every: every} }

// Note counts one refusal; write says to record it, with count the
// refusals it stands for.
func (f *Refusals) Note(now time.Time) (count int, write bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending++
	if !f.last.IsZero() && now.Sub(f.last) < f.every {
		return f.pending, false
	}
	count, f.pending, f.last = f.pending, 0, now
	return count, true
}

// Summary is the record's message for a refusal of err standing for
// count refusals.
func Summary(err error, count int) string {
	if count > 1 {
		return err.Error() + " (and " + strconv.Itoa(count-1) + " more refusals since the last record)"
	}
	return err.Error()
}
