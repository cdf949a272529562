package duty

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs this package's tests on PostgreSQL too.
func TestConformanceOnPostgres(t *testing.T) { storetest.RunOnPostgres(t) }

// holders records who does one duty, across every elector of a test: the
// election must never let two do it at once.
type holders struct {
	mu       sync.Mutex
	active   []string // instances whose fn runs now
	events   []string // "start X" and "end X", in order
	overlaps []string // what was active when someone started beside it
	changed  chan struct{}
}

func newHolders() *holders { return &holders{changed: make(chan struct{})} }

// fn is the duty of instance: it runs until its context ends.
func (h *holders) fn(instance string) func(context.Context) {
	return func(ctx context.Context) {
		h.note(instance, true)
		<-ctx.Done()
		h.note(instance, false)
	}
}

func (h *holders) note(instance string, start bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if start {
		if len(h.active) > 0 {
			h.overlaps = append(h.overlaps, fmt.Sprintf("%s started while %v held it", instance, h.active))
		}
		h.active = append(h.active, instance)
		h.events = append(h.events, "start "+instance)
	} else {
		h.active = slices.DeleteFunc(h.active, func(s string) bool { return s == instance })
		h.events = append(h.events, "end "+instance)
	}
	close(h.changed)
	h.changed = make(chan struct{})
}

// waitHolder waits until exactly one instance other than the excluded
// ones does the duty, and returns it. The deadline bounds a hang; it
// measures nothing.
func (h *holders) waitHolder(t *testing.T, not ...string) string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		h.mu.Lock()
		active, changed := slices.Clone(h.active), h.changed
		h.mu.Unlock()
		if len(active) == 1 && !slices.Contains(not, active[0]) {
			return active[0]
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no new holder: active %v, events %v", active, h.snapshot())
		}
	}
}

func (h *holders) snapshot() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.events)
}

// check fails t if two instances ever did the duty at once.
func (h *holders) check(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.overlaps) > 0 {
		t.Fatalf("two holders at once: %s (events %v)", strings.Join(h.overlaps, "; "), h.events)
	}
}

// candidate is one elector on a pool of its own, as another process has.
type candidate struct {
	name string
	db   *store.DB
	e    *Elector
	stop context.CancelFunc
	done chan struct{}
}

// campaign starts an elector named name on its own pool, running duty
// with h's fn; it is stopped when the test ends.
func campaign(t *testing.T, addr, name, duty string, o Options, h *holders) *candidate {
	t.Helper()
	db := storetest.Open(t, addr)
	o.Logger = testLogger(t, name)
	e, err := New(db, name, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &candidate{name: name, db: db, e: e, stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		e.Run(ctx, duty, h.fn(name))
	}()
	t.Cleanup(c.halt)
	return c
}

// halt stops the candidate and waits for its Run to return.
func (c *candidate) halt() {
	c.stop()
	<-c.done
}

func testLogger(t *testing.T, name string) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})).With("elector", name)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
