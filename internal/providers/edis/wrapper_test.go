package edis_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

const pathPowerOn = "/kvm/v2/set/poweron"

// TestWrapperTimeoutMutationOnce: a mutation slower than the wrapper's
// timeout fails once and is not repeated (it may have run).
func TestWrapperTimeoutMutationOnce(t *testing.T) {
	e := newEnv(t, nil)
	p := providers.New("edis-test", "edis", e.d, providers.Options{Timeout: 300 * time.Millisecond})
	if _, err := p.ListServers(t.Context()); err != nil { // log in outside the timed call
		t.Fatal(err)
	}
	e.srv.Inject(edistest.Fault{Path: pathPowerOn, Delay: 5 * time.Second})
	_, err := p.Power(t.Context(), edistest.StoppedID, driver.PowerStart)
	if c := driverErr(t, "Power", err).Class; c != fault.Unavailable {
		t.Errorf("class %q (%v), want unavailable", c, err)
	}
	if n := e.srv.Count(pathPowerOn); n != 1 {
		t.Errorf("set/poweron attempted %d times, want exactly 1", n)
	}
}

// TestWrapperRateLimitedMutation: a 429 on a mutation is repeated, but
// only after the Retry-After the emulator sent.
func TestWrapperRateLimitedMutation(t *testing.T) {
	e := newEnv(t, nil)
	p := providers.New("edis-test", "edis", e.d, providers.Options{Timeout: 10 * time.Second})
	e.srv.Inject(edistest.Fault{Path: pathPowerOn, Status: 429, RetryAfter: time.Second, Times: 1})
	op, err := p.Power(t.Context(), edistest.StoppedID, driver.PowerStart)
	if err != nil {
		t.Fatalf("Power: %v", err)
	}
	wait(t, op)
	at := e.srv.Times(pathPowerOn)
	if len(at) != 2 {
		t.Fatalf("set/poweron attempted %d times, want 2", len(at))
	}
	if gap := at[1].Sub(at[0]); gap < time.Second {
		t.Errorf("repeated after %v, before the 1s Retry-After", gap)
	}
}

// TestWrapperUnsupported: what EDIS lacks is answered without a request,
// with the driver's advice.
func TestWrapperUnsupported(t *testing.T) {
	e := newEnv(t, nil)
	p := providers.New("edis-test", "edis", e.d, providers.Options{})
	_, err := p.CreateSnapshot(t.Context(), edistest.RunningID, "before-upgrade")
	de := driverErr(t, "CreateSnapshot", err)
	if de.Class != fault.Unsupported || !strings.Contains(de.Message, "EDIS Global has no snapshot") ||
		!strings.Contains(de.Message, "; back up from inside the VPS") {
		t.Errorf("CreateSnapshot: %v", err)
	}
	_, err = p.Snapshots(t.Context(), edistest.RunningID)
	if de := driverErr(t, "Snapshots", err); de.Class != fault.Unsupported || !strings.Contains(de.Message, "back up") {
		t.Errorf("Snapshots: %v", err)
	}
	for _, a := range []driver.PowerAction{driver.PowerStop, driver.PowerReboot} {
		_, err := p.Power(t.Context(), edistest.RunningID, a)
		if c := driverErr(t, string(a), err).Class; c != fault.Unsupported {
			t.Errorf("%s: %v, want unsupported", a, err)
		}
	}
	if n := e.srv.Logins(); n != 0 {
		t.Errorf("unsupported calls made %d logins", n)
	}
}
