package commands

import (
	"sync"
	"testing"
	"time"
)

// A burst of steps is delivered as the first one at once and the latest
// one later; Flush delivers what still waits, and nothing comes after it.
func TestThrottleLatestWinsAndLastIsDelivered(t *testing.T) {
	var (
		mu  sync.Mutex
		got []int
	)
	th := NewThrottle(time.Hour, func(p Progress) { mu.Lock(); got = append(got, p.Percent); mu.Unlock() })
	for i := range 50 {
		th.Report(Progress{Percent: i})
	}
	mu.Lock()
	if len(got) != 1 || got[0] != 0 {
		t.Fatalf("within the interval delivered %v, want only the first step", got)
	}
	mu.Unlock()
	th.Flush()
	th.Report(Progress{Percent: 99})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[1] != 49 {
		t.Fatalf("delivered %v, want [0 49]: the latest step at Flush, nothing after", got)
	}
}

// Steps spread over more than one interval are delivered on the timer,
// without Flush, and never concurrently.
func TestThrottleDeliversOnItsTimer(t *testing.T) {
	delivered := make(chan int, 10)
	var busy sync.Mutex
	th := NewThrottle(10*time.Millisecond, func(p Progress) {
		if !busy.TryLock() {
			t.Error("deliver called concurrently")
			return
		}
		defer busy.Unlock()
		delivered <- p.Percent
	})
	th.Report(Progress{Percent: 1})
	th.Report(Progress{Percent: 2})
	th.Report(Progress{Percent: 3})
	if first := <-delivered; first != 1 {
		t.Fatalf("first = %d", first)
	}
	if second := <-delivered; second != 3 {
		t.Fatalf("second = %d, want the latest (3)", second)
	}
	th.Flush()
	select {
	case p := <-delivered:
		t.Fatalf("delivered %d after everything was sent", p)
	default:
	}
}

func TestProgressFraction(t *testing.T) {
	if f, ok := (Progress{Percent: 40}).Fraction(); !ok || f != 0.4 {
		t.Fatalf("40%% = %v %v", f, ok)
	}
	if _, ok := (Progress{Percent: -1}).Fraction(); ok {
		t.Fatal("an unknown figure has a fraction")
	}
}
