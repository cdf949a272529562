package commands

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/safetext"
)

// Progress is one step of a long operation, as every surface shows it: a
// line in the shell, an edited chat message, an MCP progress notification.
type Progress struct {
	Message string    `json:"message" desc:"one line for people: installing debian-12"`
	Status  string    `json:"status,omitempty" desc:"short state: stopping, installing"`
	Percent int       `json:"percent" desc:"0 to 100, or -1 when the provider gives no figure"`
	At      time.Time `json:"at" desc:"when the step was reported"`
}

// progressOf is a provider's step as people see it: its words come from
// the provider, so they are made one safe line.
func progressOf(p driver.Progress) Progress {
	msg := p.Message
	if msg == "" {
		msg = p.Status
	}
	return Progress{Message: safetext.Line(msg, 200), Status: safetext.Line(p.Status, 60), Percent: p.Percent, At: p.At}
}

// Fraction is how far along the operation is, 0 to 1, and whether the
// provider said (MCP's progress/total).
func (p Progress) Fraction() (float64, bool) {
	if p.Percent < 0 || p.Percent > 100 {
		return 0, false
	}
	return float64(p.Percent) / 100, true
}

func (p Progress) String() string {
	if p.Percent >= 0 && !strings.Contains(p.Message, "%") {
		return fmt.Sprintf("%d%% %s", p.Percent, p.Message)
	}
	return p.Message
}

// DefaultProgressInterval keeps edits of a chat message within the
// platforms' rate limits (about one a second per message).
const DefaultProgressInterval = time.Second

// Throttle passes progress on at most once per interval, latest wins:
// steps that arrive in between replace each other, and the last one is
// delivered when the interval ends or at Flush. So a chatty provider never
// exceeds a chat platform's edit rate, and nobody is left looking at a
// stale step. It is safe for concurrent use; deliver is never called
// concurrently with itself.
type Throttle struct {
	interval time.Duration
	deliver  func(Progress)

	mu       sync.Mutex
	last     time.Time // when deliver was last called
	pending  *Progress
	timer    *time.Timer
	sending  sync.Mutex     // serializes deliver
	inflight sync.WaitGroup // deliveries started; Flush waits for them
	stopped  bool
}

// NewThrottle returns a Throttle delivering to deliver.
func NewThrottle(interval time.Duration, deliver func(Progress)) *Throttle {
	return &Throttle{interval: interval, deliver: deliver}
}

// Report offers a step. It returns at once; deliver runs now, or later on
// the throttle's timer.
func (t *Throttle) Report(p Progress) {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	wait := t.interval - time.Since(t.last)
	if wait <= 0 && t.timer == nil {
		t.last = time.Now()
		t.inflight.Add(1)
		t.mu.Unlock()
		t.send(p)
		return
	}
	t.pending = &p
	if t.timer == nil {
		t.timer = time.AfterFunc(max(wait, 0), t.fire)
	}
	t.mu.Unlock()
}

func (t *Throttle) fire() {
	t.mu.Lock()
	p := t.pending
	t.pending, t.timer = nil, nil
	if p == nil || t.stopped {
		t.mu.Unlock()
		return
	}
	t.last = time.Now()
	t.inflight.Add(1)
	t.mu.Unlock()
	t.send(*p)
}

// send delivers p; the caller has counted it in inflight.
func (t *Throttle) send(p Progress) {
	defer t.inflight.Done()
	t.sending.Lock()
	defer t.sending.Unlock()
	t.deliver(p)
}

// Flush delivers the step still waiting, if any, and stops the throttle:
// later reports are dropped. Call it when the operation ends, before
// reporting the outcome, so the last step is never lost or late.
func (t *Throttle) Flush() {
	t.mu.Lock()
	p := t.pending
	t.pending, t.stopped = nil, true
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.mu.Unlock()
	// A delivery already started on the timer's goroutine goes first;
	// stopped keeps new ones from starting.
	t.inflight.Wait()
	if p != nil {
		t.inflight.Add(1)
		t.send(*p)
	}
}
