package chat

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestReplaysSeen(t *testing.T) {
	clock := &replayClock{time.Unix(1_700_000_000, 0)}
	r := NewReplays(clock.Now)
	if replayed(r, "v0=a") {
		t.Fatal("first sight reported as a replay")
	}
	if !replayed(r, "v0=a") {
		t.Fatal("exact replay not recognised")
	}
	if replayed(r, "v0=b") {
		t.Fatal("another signature reported as a replay")
	}
	// A request stamped a window ahead stays fresh for two windows after it
	// was first seen, so it is remembered for that long.
	clock.Advance(2*window - time.Second)
	if !replayed(r, "v0=a") {
		t.Fatal("replay within twice the window not recognised")
	}
	clock.Advance(time.Second)
	if replayed(r, "v0=a") {
		t.Fatal("signature remembered past twice the window")
	}
	if n := r.Len(); n != 1 {
		t.Fatalf("Len = %d after the others expired, want 1", n)
	}
}

func TestReplaysBounded(t *testing.T) {
	clock := &replayClock{time.Unix(1_700_000_000, 0)}
	r := NewReplays(clock.Now)
	r.max = 3
	for i := range 10 {
		replayed(r, fmt.Sprint("v0=", i))
		if n := r.Len(); n > r.max {
			t.Fatalf("Len = %d after %d signatures, want at most %d", n, i+1, r.max)
		}
	}
	if len(r.order) > r.max {
		t.Fatalf("order holds %d entries, want at most %d", len(r.order), r.max)
	}
	if !replayed(r, "v0=9") {
		t.Fatal("the newest signature was dropped")
	}
	if replayed(r, "v0=0") {
		t.Fatal("the oldest signature was kept past the cap")
	}
}

func TestReplaysConcurrent(t *testing.T) {
	r := NewReplays(nil)
	var wg sync.WaitGroup
	firsts := make(chan string, 800)
	for range 8 {
		wg.Go(func() {
			for i := range 100 {
				sig := fmt.Sprint("v0=", i)
				if !replayed(r, sig) {
					firsts <- sig
				}
			}
		})
	}
	wg.Wait()
	close(firsts)
	count := map[string]int{}
	for sig := range firsts {
		count[sig]++
	}
	if len(count) != 100 {
		t.Fatalf("%d signatures seen first, want 100", len(count))
	}
	for sig, n := range count {
		if n != 1 {
			t.Fatalf("%s reported new %d times, want once", sig, n)
		}
	}
}

// window is the platforms' freshness window (Slack's and Discord's); a
// signature is kept for two of them (see the adapters).
const window = 5 * time.Minute

func replayed(r *Replays, key string) bool {
	s, _ := r.Seen(context.Background(), key, 2*window)
	return s
}

type replayClock struct{ t time.Time }

func (c *replayClock) Now() time.Time          { return c.t }
func (c *replayClock) Advance(d time.Duration) { c.t = c.t.Add(d) }
