package demo_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func status(t *testing.T, d *demo.Driver, id string) driver.Status {
	t.Helper()
	s, err := d.GetServer(t.Context(), id)
	if err != nil {
		t.Fatalf("GetServer(%s): %v", id, err)
	}
	return s.Status
}

// TestLazyTransition checks that a stop is "stopping" and busy until its
// 4 s have passed on the injected clock, then "stopped", with no
// goroutine having run in between.
func TestLazyTransition(t *testing.T) {
	ctx := t.Context()
	c := newClock()
	d := demo.New(demo.Config{Name: "demo-fra", Speed: 1, Clock: c.Now})
	if _, err := d.Power(ctx, "fra-101", driver.PowerStop); err != nil {
		t.Fatal(err)
	}
	s, err := d.GetServer(ctx, "fra-101")
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != driver.StatusStopping || !s.Locked {
		t.Fatalf("right after stop: status %q locked %v, want stopping and locked", s.Status, s.Locked)
	}
	c.Advance(3999 * time.Millisecond)
	if got := status(t, d, "fra-101"); got != driver.StatusStopping {
		t.Fatalf("after 3.999 s: %q, want stopping", got)
	}
	_, err = d.Power(ctx, "fra-101", driver.PowerStart)
	var e *fault.Error
	if !errors.As(err, &e) || e.Class != fault.Conflict || !e.Busy {
		t.Fatalf("start while stopping: %v, want a busy conflict", err)
	}
	c.Advance(time.Millisecond)
	if got := status(t, d, "fra-101"); got != driver.StatusStopped {
		t.Fatalf("after 4 s: %q, want stopped", got)
	}
	// The ended stop no longer blocks: start works now.
	if _, err := d.Power(ctx, "fra-101", driver.PowerStart); err != nil {
		t.Fatalf("start after the stop ended: %v", err)
	}
}

// TestReinstallProgress drives a reinstall on the injected clock, moving
// it 3 s (a tenth) per progress report: percentages must rise strictly
// and the last report must be 100.
func TestReinstallProgress(t *testing.T) {
	ctx := t.Context()
	c := newClock()
	const speed = 0.01 // polls every 10 ms of real time
	d := demo.New(demo.Config{Name: "demo-fra", Speed: speed, Clock: c.Now})
	op, err := d.Reinstall(ctx, "fra-101", driver.ReinstallOptions{Image: "debian-12", Hostname: "web-1.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	err = op.Wait(ctx, func(p driver.Progress) {
		got = append(got, p.Percent)
		c.Advance(time.Duration(float64(3*time.Second) * speed))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 3 || got[len(got)-1] != 100 {
		t.Fatalf("progress %v: want several steps ending at 100", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("progress %v is not strictly rising", got)
		}
	}
	s, err := d.GetServer(ctx, "fra-101")
	if err != nil {
		t.Fatal(err)
	}
	if s.Image != "debian-12" || s.Name != "web-1.example.com" || s.Status != driver.StatusRunning {
		t.Fatalf("after reinstall: %+v", s)
	}
}

// TestDestroyTakesTime checks that a destroyed server shows "deleting"
// until the delay has passed and is then gone.
func TestDestroyTakesTime(t *testing.T) {
	ctx := t.Context()
	c := newClock()
	d := demo.New(demo.Config{Name: "demo-nyc", Speed: 1, Clock: c.Now})
	if _, err := d.Destroy(ctx, "nyc-204"); err != nil {
		t.Fatal(err)
	}
	if got := status(t, d, "nyc-204"); got != driver.StatusDeleting {
		t.Fatalf("right after destroy: %q, want deleting", got)
	}
	c.Advance(3 * time.Second)
	_, err := d.GetServer(ctx, "nyc-204")
	if fault.ClassOf(err) != fault.NotFound {
		t.Fatalf("after 3 s: %v, want not found", err)
	}
}
