package commands

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// A burst of steps within one interval delivers at most the first and
// the latest; Flush delivers what still waits, and nothing comes after it.
func TestThrottleLatestWinsAndLastIsDelivered(t *testing.T) {
	var (
		mu  sync.Mutex
		got []int
	)
	th := NewThrottle(time.Hour, func(p Progress) { mu.Lock(); got = append(got, p.Percent); mu.Unlock() })
	for i := range 50 {
		th.Report(Progress{Percent: i})
	}
	th.Flush()
	th.Report(Progress{Percent: 99})
	mu.Lock()
	defer mu.Unlock()
	if len(got) == 0 || len(got) > 2 || got[len(got)-1] != 49 || !slices.IsSorted(got) {
		t.Fatalf("delivered %v, want the latest (49) last, at most one before it, nothing after Flush", got)
	}
}

// Report never waits for a slow delivery, and a slow sink is throttled
// too: the interval runs from the end of a delivery, deliveries never
// overlap, and the last step still arrives.
func TestThrottleNeverBlocksOnASlowSink(t *testing.T) {
	var (
		mu        sync.Mutex
		delivered []int
		busy      sync.Mutex
	)
	release := make(chan struct{})
	th := NewThrottle(time.Millisecond, func(p Progress) {
		if !busy.TryLock() {
			t.Error("deliveries overlap")
			return
		}
		defer busy.Unlock()
		<-release
		mu.Lock()
		delivered = append(delivered, p.Percent)
		mu.Unlock()
	})
	reported := make(chan struct{})
	go func() {
		for i := range 100 {
			th.Report(Progress{Percent: i})
		}
		close(reported)
	}()
	<-reported // all 100 reported while the first delivery is stuck
	close(release)
	th.Flush()
	mu.Lock()
	defer mu.Unlock()
	if len(delivered) > 3 || delivered[len(delivered)-1] != 99 {
		t.Fatalf("a stuck sink got %v, want at most the first, one latest and the last (99)", delivered)
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
