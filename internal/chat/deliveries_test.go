package chat_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs the delivery store's tests on PostgreSQL.
func TestConformanceOnPostgres(t *testing.T) {
	storetest.RunOnPostgres(t, "^TestDeliveries", "^TestPages", "^TestAPagePressWorksOnAnotherReplica")
}

// deliveryClock is a clock the tests move by hand, shared by "replicas".
type deliveryClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *deliveryClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *deliveryClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// deliveryKinds are the implementations under test, each making n
// Deliveries that share one memory: for the database, n pools on one
// database, as n replicas have.
func deliveryKinds(t *testing.T) map[string]func(n int, clock func() time.Time) []chat.Deliveries {
	return map[string]func(int, func() time.Time) []chat.Deliveries{
		"memory": func(n int, clock func() time.Time) []chat.Deliveries {
			r := chat.NewReplays(clock)
			out := make([]chat.Deliveries, n)
			for i := range out {
				out[i] = r
			}
			return out
		},
		"database": func(n int, clock func() time.Time) []chat.Deliveries {
			addr := storetest.Database(t)
			out := make([]chat.Deliveries, n)
			for i := range out {
				d, err := chat.OpenDeliveries(context.Background(), storetest.Open(t, addr), clock)
				if err != nil {
					t.Fatal(err)
				}
				out[i] = d
			}
			return out
		},
	}
}

func TestDeliveriesSeenOnceWithinKeep(t *testing.T) {
	for kind, newDeliveries := range deliveryKinds(t) {
		t.Run(kind, func(t *testing.T) {
			clock := &deliveryClock{t: time.Unix(1_700_000_000, 0)}
			ds := newDeliveries(2, clock.Now)
			a, b := ds[0], ds[1]
			mustSeen(t, a, "slack:envelope:1", 10*time.Minute, false)
			mustSeen(t, b, "slack:envelope:1", 10*time.Minute, true) // another replica
			mustSeen(t, a, "slack:envelope:2", 10*time.Minute, false)
			clock.Advance(10*time.Minute - time.Nanosecond)
			mustSeen(t, b, "slack:envelope:1", 10*time.Minute, true)
			clock.Advance(time.Nanosecond)
			mustSeen(t, b, "slack:envelope:1", time.Minute, false) // its keep ended: new again
			mustSeen(t, a, "slack:envelope:1", time.Minute, true)

		})
	}
}

func TestDeliveriesLongKeysStayApart(t *testing.T) {
	for kind, newDeliveries := range deliveryKinds(t) {
		t.Run(kind, func(t *testing.T) {
			d := newDeliveries(1, nil)[0]
			long := "slack:press:U1:1.2:approve:" + strings.Repeat("x", 400)
			mustSeen(t, d, long+"a", time.Minute, false)
			mustSeen(t, d, long+"b", time.Minute, false)
			mustSeen(t, d, long+"a", time.Minute, true)
		})
	}
}

// Eight deliveries of one key at once, from two replicas: exactly one is
// new.
func TestDeliveriesRaceOnOneKey(t *testing.T) {
	for kind, newDeliveries := range deliveryKinds(t) {
		t.Run(kind, func(t *testing.T) {
			ds := newDeliveries(2, nil)
			for round := range 5 {
				key := "discord:interaction:" + string(rune('a'+round))
				var firsts atomic.Int32
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range 8 {
					wg.Go(func() {
						<-start
						seen, err := ds[i%2].Seen(context.Background(), key, time.Minute)
						if err != nil {
							t.Error(err)
							return
						}
						if !seen {
							firsts.Add(1)
						}
					})
				}
				close(start)
				wg.Wait()
				if n := firsts.Load(); n != 1 {
					t.Fatalf("round %d: %d of 8 racing deliveries were new, want exactly 1", round, n)
				}
			}
		})
	}
}

func TestDeliveriesPruneDropsOnlyExpired(t *testing.T) {
	ctx := context.Background()
	clock := &deliveryClock{t: time.Unix(1_700_000_000, 0)}
	d, err := chat.OpenDeliveries(ctx, storetest.Open(t, storetest.Database(t)), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	mustSeen(t, d, "short", time.Minute, false)
	mustSeen(t, d, "long", time.Hour, false)
	n, err := d.Prune(ctx, clock.Now().Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want 1 (the expired one)", n, err)
	}
	mustSeen(t, d, "long", time.Hour, true)
}

// A database that does not answer is an error, never "new": the caller
// must not act. The error names what failed and never the key (a
// request's signature).
func TestDeliveriesFailClosedWithoutTheKey(t *testing.T) {
	db := storetest.Open(t, storetest.Database(t))
	d, err := chat.OpenDeliveries(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	seen, err := d.Seen(context.Background(), "v0=secretish", time.Minute)
	if err == nil {
		t.Fatalf("Seen on a closed database = %v, nil; want an error", seen)
	}
	if strings.Contains(err.Error(), "secretish") || !strings.Contains(err.Error(), "chat delivery") {
		t.Fatalf("error %q: want one naming the check, without the key", err)
	}
}

func mustSeen(t *testing.T, d chat.Deliveries, key string, keep time.Duration, want bool) {
	t.Helper()
	got, err := d.Seen(context.Background(), key, keep)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("Seen(%.40q) = %v, want %v", key, got, want)
	}
}
