package vpsbg_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// TestWrapperTimeoutMutationOnce: a stop whose answer never comes before
// the call's timeout is attempted exactly once — it may have run.
func TestWrapperTimeoutMutationOnce(t *testing.T) {
	d, srv := newDriver(t)
	p := providers.New("bg", "vpsbg", d, providers.Options{Timeout: 300 * time.Millisecond})
	srv.Inject(vpsbgtest.Fault{Method: http.MethodPost, Path: detailsPath + "/stop", Delay: time.Minute})
	_, err := p.Power(t.Context(), vpsbgtest.RunningID, driver.PowerStop)
	if fault.ClassOf(err) != fault.Unavailable {
		t.Fatalf("Power past the timeout: %v, want unavailable", err)
	}
	if n := srv.Count(http.MethodPost, detailsPath+"/stop"); n != 1 {
		t.Fatalf("%d stop requests, want exactly 1", n)
	}
}

// TestWrapperRateLimitedMutation: a 429 on a mutation is retried, and only
// after the Retry-After the API asked for.
func TestWrapperRateLimitedMutation(t *testing.T) {
	d, srv := newDriver(t)
	p := providers.New("bg", "vpsbg", d, providers.Options{Timeout: 10 * time.Second})
	path := "/servers/" + vpsbgtest.StoppedID + "/start"
	srv.Inject(vpsbgtest.Fault{Method: http.MethodPost, Path: path, Status: 429, RetryAfter: time.Second, Times: 1})
	op, err := p.Power(t.Context(), vpsbgtest.StoppedID, driver.PowerStart)
	if err != nil {
		t.Fatalf("Power after one 429: %v", err)
	}
	waitOp(t, op)
	var at []time.Time
	for _, c := range srv.Calls() {
		if c.Method == http.MethodPost && c.Path == path {
			at = append(at, c.At)
		}
	}
	if len(at) != 2 {
		t.Fatalf("%d start requests, want 2 (the 429 and the retry)", len(at))
	}
	if gap := at[1].Sub(at[0]); gap < time.Second {
		t.Errorf("retried after %s, before the 1s Retry-After", gap)
	}
}

// TestWrapperLongRetryAfterNotRetried: a pause longer than the wrapper is
// willing to wait comes back as rate_limited with the hint.
func TestWrapperLongRetryAfterNotRetried(t *testing.T) {
	d, srv := newDriver(t)
	p := providers.New("bg", "vpsbg", d, providers.Options{Timeout: 5 * time.Second})
	srv.Inject(vpsbgtest.Fault{Method: http.MethodPost, Path: detailsPath + "/stop", Status: 429, RetryAfter: 30 * time.Second})
	_, err := p.Power(t.Context(), vpsbgtest.RunningID, driver.PowerStop)
	e := asDriverError(t, err)
	if e.Class != fault.RateLimited || e.RetryAfter != 30*time.Second {
		t.Fatalf("got %s retry %s, want rate_limited retry 30s", e.Class, e.RetryAfter)
	}
	if n := srv.Count(http.MethodPost, detailsPath+"/stop"); n != 1 {
		t.Errorf("%d stop requests, want 1", n)
	}
}

// TestWrapperBusyMutationRetried: a 423 proves the action did not run, so
// the wrapper may repeat it.
func TestWrapperBusyMutationRetried(t *testing.T) {
	d, srv := newDriver(t)
	p := providers.New("bg", "vpsbg", d, providers.Options{Timeout: 10 * time.Second})
	srv.Inject(vpsbgtest.Fault{Method: http.MethodPost, Path: detailsPath + "/restart", Status: 423, Times: 1})
	op, err := p.Power(t.Context(), vpsbgtest.RunningID, driver.PowerReboot)
	if err != nil {
		t.Fatalf("Power after one 423: %v", err)
	}
	waitOp(t, op)
	if n := srv.Count(http.MethodPost, detailsPath+"/restart"); n != 2 {
		t.Errorf("%d restart requests, want 2", n)
	}
}

// TestWrapperUnsupported: what the API lacks is answered without a call,
// with the driver's advice.
func TestWrapperUnsupported(t *testing.T) {
	d, srv := newDriver(t)
	p := providers.New("bg", "vpsbg", d, providers.Options{})
	for _, c := range []driver.Capability{driver.CapConsole, driver.CapSnapshot, driver.CapISO} {
		if p.Has(c) {
			t.Errorf("driver claims capability %s", c)
		}
	}
	for _, c := range []driver.Capability{driver.CapPower, driver.CapImages, driver.CapReinstall, driver.CapDestroy, driver.CapPTR, driver.CapSnapshots} {
		if !p.Has(c) {
			t.Errorf("driver lacks capability %s", c)
		}
	}
	_, err := p.Console(t.Context(), vpsbgtest.RunningID)
	if e := asDriverError(t, err); e.Class != fault.Unsupported || e.Message != "VPSBG has no console API; use the control panel" {
		t.Errorf("Console: %s %q", e.Class, e.Message)
	}
	_, err = p.CreateSnapshot(t.Context(), vpsbgtest.RunningID, "x")
	if e := asDriverError(t, err); e.Class != fault.Unsupported ||
		e.Message != "VPSBG has no snapshot creation API; create snapshots in the control panel (the API only lists them)" {
		t.Errorf("CreateSnapshot: %s %q", e.Class, e.Message)
	}
	if _, err := p.Power(t.Context(), vpsbgtest.RunningID, driver.PowerHardReset); fault.ClassOf(err) != fault.Unsupported {
		t.Errorf("hard reset: %v, want unsupported", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("unsupported calls made %d requests", n)
	}
}

// TestWrapperReadRetry: a read that meets a 5xx is repeated by the
// wrapper, not by the driver.
func TestWrapperReadRetry(t *testing.T) {
	d, srv := newDriver(t)
	p := providers.New("bg", "vpsbg", d, providers.Options{Timeout: 10 * time.Second})
	srv.Inject(vpsbgtest.Fault{Method: http.MethodGet, Path: detailsPath, Status: 503, Times: 1})
	if _, err := p.GetServer(t.Context(), vpsbgtest.RunningID); err != nil {
		t.Fatalf("GetServer after one 503: %v", err)
	}
	if n := srv.Count(http.MethodGet, detailsPath); n != 2 {
		t.Errorf("%d details requests, want 2", n)
	}
}
