package chat

import (
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLimiterPacesEachPersonAndRecordsOnceAMinute(t *testing.T) {
	clk := &fakeClock{time.Unix(1_800_000_000, 0)}
	l := newLimiter(clk.now)
	for i := range defaultBurst {
		if err, _ := l.take("slack:T1:U1"); err != nil {
			t.Fatalf("request %d of a burst refused: %v", i+1, err)
		}
		l.done("slack:T1:U1")
	}
	err, record := l.take("slack:T1:U1")
	if fault.ClassOf(err) != fault.RateLimited || !record {
		t.Fatalf("past the burst: %v, record %v", err, record)
	}
	if err, record := l.take("slack:T1:U1"); err == nil || record {
		t.Fatalf("a second refusal within the minute: %v, record %v", err, record)
	}
	// Someone else is not slowed by U1.
	if err, _ := l.take("slack:T1:U2"); err != nil {
		t.Fatalf("another person refused: %v", err)
	}
	// A second later one more is admitted.
	clk.t = clk.t.Add(defaultRefill)
	if err, _ := l.take("slack:T1:U1"); err != nil {
		t.Fatalf("after a refill: %v", err)
	}
	l.done("slack:T1:U1")
	// A minute on, the next refusal is recorded, counting those it stands for.
	clk.t = clk.t.Add(time.Minute)
	for range defaultBurst {
		l.take("slack:T1:U1")
		l.done("slack:T1:U1")
	}
	err, record = l.take("slack:T1:U1")
	if !record || err == nil {
		t.Fatalf("a refusal a minute later is not recorded: %v", err)
	}
}

func TestLimiterCapsWhatRunsAtOnce(t *testing.T) {
	clk := &fakeClock{time.Unix(1_800_000_000, 0)}
	l := newLimiter(clk.now)
	for range defaultInFlight {
		if err, _ := l.take("slack:T1:U1"); err != nil {
			t.Fatal(err)
		}
	}
	if err, _ := l.take("slack:T1:U1"); fault.ClassOf(err) != fault.RateLimited {
		t.Fatalf("past %d running: %v", defaultInFlight, err)
	}
	l.done("slack:T1:U1")
	if err, _ := l.take("slack:T1:U1"); err != nil {
		t.Fatalf("after one ended: %v", err)
	}
}
