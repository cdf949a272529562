package cyberpanel_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
)

// virtualSetup shares one virtual clock between the emulator (documented
// limits: 60/min, 1000/h) and a driver with the documented defaults.
func virtualSetup(t *testing.T, start time.Time, opts ...cyberpaneltest.Option) (*virtualClock, *cyberpaneltest.Server, *cyberpanel.Driver) {
	vc := newVirtualClock(start)
	srv := newEmu(t, append([]cyberpaneltest.Option{cyberpaneltest.WithClock(vc.Now)}, opts...)...)
	d := newDriver(t, srv, func(c *cyberpanel.Config) {
		c.Clock, c.Sleep = vc.Now, vc.Sleep
		c.RateLimitMaxWait = 2 * time.Hour // virtual time: let the whole burst queue
	})
	return vc, srv, d
}

// TestBurstQueuesWithoutA429 sends 200 commands at once through the driver
// at the documented limits: all succeed and the emulator refuses none.
func TestBurstQueuesWithoutA429(t *testing.T) {
	start := time.Date(2026, 1, 5, 10, 0, 40, 0, time.UTC) // mid-minute: windows straddle
	vc, srv, d := virtualSetup(t, start)
	const n = 200
	vc.Join(n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer vc.Leave()
			var err error
			if i%2 == 0 {
				_, err = d.ListServers(t.Context())
			} else {
				_, err = d.Snapshots(t.Context(), "45")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("queued command failed: %v", err)
		}
	}
	if got := srv.RateLimited(); got != 0 {
		t.Errorf("the emulator answered %d requests with 429", got)
	}
	if got := len(srv.Log()); got != n {
		t.Errorf("the emulator saw %d requests, want %d", got, n)
	}
	// 200 requests at 60 a minute need at least three more minutes.
	if el := vc.Now().Sub(start); el < 3*time.Minute {
		t.Errorf("the burst took %s of virtual time; it cannot have been paced", el)
	}
}

// TestHourLimitQueues sends 1,050 requests one after another: the hour
// limit, not only the minute one, must hold them back.
func TestHourLimitQueues(t *testing.T) {
	start := time.Date(2026, 1, 5, 10, 59, 30, 0, time.UTC)
	vc, srv, d := virtualSetup(t, start)
	vc.Join(1)
	defer vc.Leave()
	for i := range 1050 {
		if _, err := d.Snapshots(t.Context(), "45"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if got := srv.RateLimited(); got != 0 {
		t.Errorf("the emulator answered %d requests with 429", got)
	}
	if el := vc.Now().Sub(start); el < time.Hour {
		t.Errorf("1,050 requests took %s of virtual time, less than the hour limit allows", el)
	}
}

// TestEmulatorEnforcesRateLimits checks the emulator is no pushover: the
// 61st request in a minute is refused with the documented headers and
// body, and a driver without its own limiter classifies that.
func TestEmulatorEnforcesRateLimits(t *testing.T) {
	now := time.Date(2026, 1, 5, 10, 0, 15, 0, time.UTC)
	srv := newEmu(t, cyberpaneltest.WithClock(func() time.Time { return now }))
	get := func() *http.Response {
		req, _ := http.NewRequest("GET", srv.BaseURL+"/vps/45/status", nil)
		req.Header.Set("Authorization", "Bearer "+cyberpaneltest.APIKey)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for i := range 60 {
		resp := get()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: HTTP %d", i+1, resp.StatusCode)
		}
		if rem := resp.Header.Get("X-RateLimit-Remaining"); rem != strconv.Itoa(59-i) {
			t.Fatalf("request %d: X-RateLimit-Remaining %q", i+1, rem)
		}
	}
	resp := get()
	var body struct {
		Success   bool   `json:"success"`
		ErrorCode string `json:"error_code"`
		Message   string `json:"message"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	reset := time.Date(2026, 1, 5, 10, 1, 0, 0, time.UTC)
	if resp.StatusCode != 429 || body.Success || body.ErrorCode != "RATE_LIMIT_EXCEEDED" ||
		resp.Header.Get("Retry-After") != "45" || resp.Header.Get("X-RateLimit-Limit") != "60" ||
		resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") != strconv.FormatInt(reset.Unix(), 10) {
		t.Fatalf("61st request: HTTP %d %+v headers %v", resp.StatusCode, body, resp.Header)
	}

	d := newDriver(t, srv, func(c *cyberpanel.Config) {
		c.RateLimitPerMinute, c.RateLimitPerHour = -1, -1
		c.Clock = func() time.Time { return now }
	})
	_, err := d.Snapshots(t.Context(), "45")
	if e := asDriverError(t, err); e.Class != fault.RateLimited || e.RetryAfter != 45*time.Second {
		t.Errorf("driver without a limiter: %v (retry after %s), want rate_limited after 45s", err, e.RetryAfter)
	}
	if got := srv.RateLimited(); got != 2 {
		t.Errorf("emulator counted %d refusals, want 2", got)
	}
}

// TestFailsFastWhenTheQueueIsTooLong: with the default patience a call
// whose turn is minutes away is refused at once with the time to wait.
func TestFailsFastWhenTheQueueIsTooLong(t *testing.T) {
	vc, srv, d := virtualSetup(t, time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC))
	vc.Join(1)
	defer vc.Leave()
	for range 60 {
		if _, err := d.Snapshots(t.Context(), "45"); err != nil {
			t.Fatal(err)
		}
	}
	d2 := newDriver(t, srv, func(c *cyberpanel.Config) { c.Clock, c.Sleep = vc.Now, vc.Sleep })
	// d2 has its own limiter but sees the emulator's Remaining 0.
	if _, err := d2.Snapshots(t.Context(), "45"); fault.ClassOf(err) != fault.RateLimited {
		t.Fatalf("first call of a second client past the limit: %v", err)
	}
	_, err := d2.Snapshots(t.Context(), "45")
	e := asDriverError(t, err)
	if e.Class != fault.RateLimited || e.RetryAfter <= 0 || e.RetryAfter > 61*time.Second {
		t.Errorf("second call: %v (retry after %s), want rate_limited within a minute", err, e.RetryAfter)
	}
	if got := srv.RateLimited(); got != 1 {
		t.Errorf("emulator refused %d requests, want 1 (the second client learns from the first 429)", got)
	}
}
