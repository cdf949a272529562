package cyberpanel_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// TestPollRidesOutTransientFailures: an accepted power action, deletion
// or snapshot is not reported as failed because up to 3 status polls in a
// row failed transiently; a 4th in a row ends the wait as unavailable.
func TestPollRidesOutTransientFailures(t *testing.T) {
	ops := []struct {
		name, poll string // poll: the path the operation reads
		start      func(*cyberpanel.Driver) (*driver.Operation, error)
	}{
		{"stop", "/vps/45/status", func(d *cyberpanel.Driver) (*driver.Operation, error) {
			return d.Power(t.Context(), "45", driver.PowerStop)
		}},
		{"destroy", "/vps/45", func(d *cyberpanel.Driver) (*driver.Operation, error) { return d.Destroy(t.Context(), "45") }},
		{"snapshot", "/vps/45/snapshots", func(d *cyberpanel.Driver) (*driver.Operation, error) {
			return d.CreateSnapshot(t.Context(), "45", "s1")
		}},
	}
	faults := []struct {
		name   string
		faults []cyberpaneltest.Fault
		ok     bool
	}{
		{"a single 503", []cyberpaneltest.Fault{{Status: 503, Times: 1}}, true},
		{"3 in a row", []cyberpaneltest.Fault{{Status: 502, Body: "<html>bad gateway</html>", Times: 1},
			{Status: 429, Code: "RATE_LIMIT_EXCEEDED", Times: 1}, {Status: 500, Code: "STATUS_FAILED", Times: 1}}, true},
		{"4 in a row", []cyberpaneltest.Fault{{Status: 503, Times: 4}}, false},
	}
	for _, op := range ops {
		for _, tc := range faults {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				srv := newEmu(t)
				d := newDriver(t, srv)
				o, err := op.start(d)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range tc.faults {
					f.Method, f.Path = "GET", op.poll
					srv.Inject(f)
				}
				var mu sync.Mutex
				var got []driver.Progress
				err = o.Wait(t.Context(), func(p driver.Progress) { mu.Lock(); got = append(got, p); mu.Unlock() })
				if tc.ok && err != nil {
					t.Fatalf("wait: %v (progress %+v)", err, got)
				}
				if !tc.ok && fault.ClassOf(err) != fault.Unavailable {
					t.Fatalf("wait: %v, want unavailable after 4 failed polls", err)
				}
				if want := len(tc.faults) + 1; tc.ok && srv.Requests("GET", op.poll) < want {
					t.Errorf("%d polls, want at least %d: the faults were not all hit", srv.Requests("GET", op.poll), want)
				}
				if tc.ok && (len(got) < 2 || got[0].Status != "checking" || !strings.Contains(got[0].Message, "1 of 3")) {
					t.Errorf("progress %+v: want a status check failure reported first", got)
				}
			})
		}
	}
}

// TestPollRidesOutTheLimiter: a 429 during a stop's polling pauses the
// client-side limiter, which then refuses the next poll at once (its turn
// is beyond RateLimitMaxWait); neither ends the wait. The clock moves on
// with each report, so the pause ends without real waiting.
func TestPollRidesOutTheLimiter(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := newEmu(t, cyberpaneltest.WithClock(clock))
	d := newDriver(t, srv, func(c *cyberpanel.Config) {
		c.Clock = clock
		c.RateLimitMaxWait = time.Millisecond
	})
	op, err := d.Power(t.Context(), "45", driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(cyberpaneltest.Fault{Method: "GET", Path: "/vps/45/status", Status: 429,
		Code: "RATE_LIMIT_EXCEEDED", RetryAfter: 2 * time.Second, Times: 1})
	var msgs []string
	err = op.Wait(t.Context(), func(p driver.Progress) {
		msgs = append(msgs, p.Message)
		mu.Lock()
		now = now.Add(2 * time.Second)
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("wait: %v (progress %q)", err, msgs)
	}
	if len(msgs) < 3 || !strings.Contains(msgs[1], "2 of 3") {
		t.Errorf("progress %q: want the API's 429 and the limiter's refusal reported", msgs)
	}
	if srv.Status(45) != "stopped" {
		t.Errorf("server is %s, want stopped", srv.Status(45))
	}
}
