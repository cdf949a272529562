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
// stale step. Report never waits for a delivery: one goroutine of the
// throttle's own delivers, and the interval runs from the end of a
// delivery, so a slow sink (a busy database, a rate-limited chat edit) is
// throttled too. Call Flush when the operation ends.
type Throttle struct {
	interval time.Duration
	deliver  func(Progress)

	mu      sync.Mutex
	pending *Progress
	stopped bool

	wake     chan struct{} // a step is pending (buffered: one wake is enough)
	stop     chan struct{} // closed by Flush
	done     chan struct{} // closed when the delivering goroutine ends
	stopOnce sync.Once
}

// NewThrottle returns a Throttle delivering to deliver.
func NewThrottle(interval time.Duration, deliver func(Progress)) *Throttle {
	t := &Throttle{interval: interval, deliver: deliver,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go t.loop()
	return t
}

// Report offers a step; it returns at once. A step reported after Flush
// is dropped.
func (t *Throttle) Report(p Progress) {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	t.pending = &p
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// take returns the pending step, if any, and whether Flush was called.
func (t *Throttle) take() (*Progress, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.pending
	t.pending = nil
	return p, t.stopped
}

func (t *Throttle) loop() {
	defer close(t.done)
	for {
		select {
		case <-t.wake:
		case <-t.stop:
		}
		p, stopped := t.take()
		if p != nil {
			t.deliver(*p)
		}
		if stopped {
			if p, _ := t.take(); p != nil { // reported while the last one was delivered
				t.deliver(*p)
			}
			return
		}
		if p == nil {
			continue
		}
		wait := time.NewTimer(t.interval)
		select {
		case <-wait.C:
		case <-t.stop: // the operation ended: deliver its last step now
		}
		wait.Stop()
	}
}

// Flush delivers the step still waiting, if any, and stops the throttle;
// it returns once every delivery is done, so the outcome reported after
// it never overtakes a progress step.
func (t *Throttle) Flush() {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	t.stopOnce.Do(func() { close(t.stop) })
	<-t.done
}
