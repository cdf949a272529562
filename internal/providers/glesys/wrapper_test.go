package glesys_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// TestWrapperMutationTimeout: a stop whose answer is slower than the
// wrapper's timeout is sent exactly once — it may have run.
func TestWrapperMutationTimeout(t *testing.T) {
	srv := newEmulator(t)
	p := providers.New("glesys", "glesys", newDriver(t, srv), providers.Options{Timeout: 300 * time.Millisecond})
	srv.Inject(glesystest.Fault{Path: "/server/stop", Delay: 30 * time.Second})
	_, err := p.Power(t.Context(), glesystest.RunningID, driver.PowerStop)
	if e := asDriverError(t, err); e.Class != fault.Unavailable {
		t.Errorf("class %s, want unavailable (%v)", e.Class, err)
	}
	if n := srv.Count("/server/stop"); n != 1 {
		t.Errorf("server/stop sent %d times, want exactly 1", n)
	}
}

// TestWrapperRateLimitedMutation: a 429 on start is retried, and only
// after the Retry-After the API asked for.
func TestWrapperRateLimitedMutation(t *testing.T) {
	srv := newEmulator(t)
	p := providers.New("glesys", "glesys", newDriver(t, srv), providers.Options{})
	srv.Inject(glesystest.Fault{Path: "/server/start", Status: 429, RetryAfter: time.Second, Times: 1})
	op, err := p.Power(t.Context(), glesystest.StoppedID, driver.PowerStart)
	if err != nil {
		t.Fatalf("Power(start) after one 429: %v", err)
	}
	if err := wait(t, op); err != nil {
		t.Fatal(err)
	}
	at := srv.Arrivals("/server/start")
	if len(at) != 2 {
		t.Fatalf("server/start sent %d times, want 2", len(at))
	}
	if gap := at[1].Sub(at[0]); gap < time.Second {
		t.Errorf("retried after %s, before the Retry-After of 1s", gap)
	}
	if running, _ := srv.Running(glesystest.StoppedID); !running {
		t.Error("server not running after the retried start")
	}
}

// TestWrapperUnsupported: what GleSYS lacks is answered without a call,
// with the advice from Instead.
func TestWrapperUnsupported(t *testing.T) {
	srv := newEmulator(t)
	p := providers.New("glesys", "glesys", newDriver(t, srv), providers.Options{})
	// Templates are listable although reinstall is not (ImageLister).
	if imgs, err := p.Images(t.Context(), glesystest.RunningID); err != nil || len(imgs) != 2 {
		t.Errorf("images: %v %v, want the two KVM templates", imgs, err)
	}
	before := srv.Count("/server/details")
	_, err := p.Reinstall(t.Context(), glesystest.RunningID, driver.ReinstallOptions{Image: "x"})
	want := "GleSYS has no reinstall API; use destroy and create, or the control panel"
	if e := asDriverError(t, err); e.Class != fault.Unsupported || !strings.Contains(e.Message, want) {
		t.Errorf("reinstall: %v, want unsupported %q", err, want)
	}
	_, err = p.Power(t.Context(), glesystest.RunningID, driver.PowerHardReset)
	if e := asDriverError(t, err); e.Class != fault.Unsupported {
		t.Errorf("reset: %v, want unsupported", err)
	}
	if n := srv.Count("/server/details") - before + srv.Count("/server/reset"); n != 0 {
		t.Errorf("%d calls reached the API for unsupported operations", n)
	}
}
