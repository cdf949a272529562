package edis_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// TestDestroyPollsCheaply: while an immediate cancellation takes effect
// the Operation polls get/power with the session it holds and logs in
// only at a growing interval (at least 10 s, doubling to 1 min), never
// once per poll. Time is a fake clock that moves 1 s per get/power
// request, so the schedule is exact.
func TestDestroyPollsCheaply(t *testing.T) {
	tests := []struct {
		name      string
		steps     int // get/power polls (and logins) until EDIS removes the VPS
		maxLogins int
	}{
		{"several polls", 8, 0},
		{"long", 300, 7}, // logins at 10, 30, 70, 130, 190, 250 s (+1 at most)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			var (
				mu       sync.Mutex
				loginsAt []time.Time // clock of each login during the wait
				waiting  bool
			)
			srv := edistest.New(edistest.WithSteps(tc.steps), edistest.WithClock(clk.Now))
			t.Cleanup(srv.Close)
			e := newEnvOn(t, srv, func(c *edis.Config) {
				c.Clock = clk.Now
				c.HTTPClient = &http.Client{Transport: &testTransport{base: srv.Client().Transport, before: func(r *http.Request) {
					switch r.URL.Path {
					case pathPower:
						clk.Advance(time.Second)
					case edistest.PathAuth:
						mu.Lock()
						if waiting {
							loginsAt = append(loginsAt, clk.Now())
						}
						mu.Unlock()
					}
				}}}
			})
			op, err := e.d.Destroy(t.Context(), edistest.RunningID)
			if err != nil {
				t.Fatal(err)
			}
			start := clk.Now()
			mu.Lock()
			waiting = true
			mu.Unlock()
			polls := e.srv.Count(pathPower)
			wait(t, op)
			polls = e.srv.Count(pathPower) - polls
			if _, ok := e.srv.Snapshot(edistest.RunningID); ok {
				t.Fatal("the operation ended but the VPS still exists")
			}
			mu.Lock()
			defer mu.Unlock()
			t.Logf("%d polls, logins at %v after the start", polls, offsets(start, loginsAt))
			if polls < tc.steps-len(loginsAt) {
				t.Errorf("%d get/power polls, want at least %d", polls, tc.steps-len(loginsAt))
			}
			if len(loginsAt) > tc.maxLogins {
				t.Errorf("%d logins while waiting, want at most %d", len(loginsAt), tc.maxLogins)
			}
			prev, gap := start, 10*time.Second
			for _, at := range loginsAt {
				if at.Sub(prev) < gap {
					t.Errorf("login %v after the previous one, want at least %v", at.Sub(prev), gap)
				}
				prev, gap = at, min(2*gap, time.Minute)
			}
		})
	}
}

func offsets(start time.Time, ts []time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = t.Sub(start)
	}
	return out
}
