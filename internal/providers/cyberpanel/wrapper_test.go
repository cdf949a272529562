package cyberpanel_test

import (
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// TestWrapperTimeoutMutatesOnce: a stop that outlives the call timeout is
// attempted exactly once.
func TestWrapperTimeoutMutatesOnce(t *testing.T) {
	srv := newEmu(t)
	p := providers.New("cp", "cyberpanel", newDriver(t, srv), providers.Options{Timeout: 200 * time.Millisecond})
	srv.Inject(cyberpaneltest.Fault{Method: "POST", Path: "/vps/45/stop", Delay: 5 * time.Second})
	_, err := p.Power(t.Context(), "45", driver.PowerStop)
	if fault.ClassOf(err) != fault.Unavailable {
		t.Fatalf("Power: %v, want unavailable", err)
	}
	if n := srv.Requests("POST", "/vps/45/stop"); n != 1 {
		t.Errorf("stop sent %d times, want exactly once", n)
	}
}

// TestWrapperRetries429AfterRetryAfter: a stop refused with 429 is
// repeated, and not before Retry-After has passed.
func TestWrapperRetries429AfterRetryAfter(t *testing.T) {
	srv := newEmu(t, cyberpaneltest.WithPowerPolls(0))
	p := providers.New("cp", "cyberpanel", newDriver(t, srv), providers.Options{Timeout: 10 * time.Second})
	srv.Inject(cyberpaneltest.Fault{Method: "POST", Path: "/vps/45/stop", Status: 429,
		Code: "RATE_LIMIT_EXCEEDED", RetryAfter: time.Second, Times: 1})
	op, err := p.Power(t.Context(), "45", driver.PowerStop)
	if err != nil {
		t.Fatalf("Power: %v", err)
	}
	if err := op.Wait(t.Context(), func(driver.Progress) {}); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	var stops []time.Time
	for _, r := range srv.Log() {
		if r.Method == "POST" && r.Path == "/vps/45/stop" {
			stops = append(stops, r.At)
		}
	}
	if len(stops) != 2 {
		t.Fatalf("stop sent %d times, want 2", len(stops))
	}
	if gap := stops[1].Sub(stops[0]); gap < time.Second {
		t.Errorf("retried after %s, before Retry-After (1s)", gap)
	}
	if srv.Status(cyberpaneltest.RunningID) != "stopped" {
		t.Errorf("server is %q after the retried stop", srv.Status(cyberpaneltest.RunningID))
	}
}

// TestWrapperUnsupported: what the API lacks is answered without a call,
// with the driver's advice.
func TestWrapperUnsupported(t *testing.T) {
	srv := newEmu(t)
	p := providers.New("cp", "cyberpanel", newDriver(t, srv), providers.Options{})
	_, err := p.Reinstall(t.Context(), "45", driver.ReinstallOptions{Image: "9000"})
	if fault.ClassOf(err) != fault.Unsupported {
		t.Fatalf("Reinstall: %v, want unsupported", err)
	}
	want := "cp: reinstall 45: CyberPanel Cloud has no reinstall API; create a new server from the wanted template and destroy the old one, or use the panel at platform.cyberpersons.com"
	if err.Error() != want {
		t.Errorf("Reinstall error\n got %q\nwant %q", err, want)
	}
	for _, a := range []driver.PowerAction{driver.PowerOff, driver.PowerHardReset} {
		if _, err := p.Power(t.Context(), "45", a); fault.ClassOf(err) != fault.Unsupported {
			t.Errorf("Power %s: %v, want unsupported", a, err)
		}
	}
	if _, err := p.ISOs(t.Context(), "45"); fault.ClassOf(err) != fault.Unsupported {
		t.Errorf("ISOs: %v, want unsupported", err)
	}
	if _, err := p.PTRs(t.Context(), "45"); fault.ClassOf(err) != fault.Unsupported {
		t.Errorf("PTRs: %v, want unsupported", err)
	}
	if n := len(srv.Log()); n != 0 {
		t.Errorf("unsupported calls made %d requests", n)
	}
	if imgs, err := p.Images(t.Context(), "45"); err != nil || len(imgs) != 7 {
		t.Errorf("Images: %d, %v; want the 7 documented templates", len(imgs), err)
	}
}
