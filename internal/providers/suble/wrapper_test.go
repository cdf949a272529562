package suble_test

import (
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// TestWrapperTimeoutMutationOnce: a power action whose answer takes longer
// than the call timeout is sent exactly once: it may have run.
func TestWrapperTimeoutMutationOnce(t *testing.T) {
	srv := newEmu(t)
	p := providers.New("suble", "suble", newDriver(t, srv), providers.Options{Timeout: 300 * time.Millisecond})
	control := vpsPath(subletest.RunningID, "control")
	srv.Inject(subletest.Fault{Path: control, Delay: 5 * time.Second})
	_, err := p.Power(t.Context(), subletest.RunningID, driver.PowerStop)
	requireClass(t, "Power(slow)", err, fault.Unavailable)
	if n := srv.Count("POST", control); n != 1 {
		t.Errorf("control sent %d times, want exactly 1", n)
	}
}

// TestWrapperReadRetried: a 5xx on a read is retried by the wrapper.
func TestWrapperReadRetried(t *testing.T) {
	srv := newEmu(t)
	p := providers.New("suble", "suble", newDriver(t, srv), providers.Options{Timeout: 10 * time.Second})
	srv.Inject(subletest.Fault{Path: listPath, Status: 503, Times: 1})
	if _, err := p.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("GET", listPath); n != 2 {
		t.Errorf("list requested %d times, want 2", n)
	}
}

// TestWrapper429Mutation: a rate-limited power action is repeated, and
// not before the Retry-After the emulator sent.
func TestWrapper429Mutation(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(0))
	p := providers.New("suble", "suble", newDriver(t, srv), providers.Options{Timeout: 10 * time.Second})
	control := vpsPath(subletest.RunningID, "control")
	srv.Inject(subletest.Fault{Path: control, Status: 429, RetryAfter: time.Second, Times: 1})
	op, err := p.Power(t.Context(), subletest.RunningID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(t.Context(), func(driver.Progress) {}); err != nil {
		t.Fatal(err)
	}
	times := srv.Times("POST", control)
	if len(times) != 2 {
		t.Fatalf("control sent %d times, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < time.Second {
		t.Errorf("retried after %s, before the Retry-After of 1s", gap)
	}
}

// TestWrapperUnsupportedAdvice: missing capabilities come back with the
// driver's advice and no request.
func TestWrapperUnsupportedAdvice(t *testing.T) {
	srv := newEmu(t)
	p := providers.New("suble", "suble", newDriver(t, srv), providers.Options{})
	_, err := p.Destroy(t.Context(), subletest.RunningID)
	e := requireClass(t, "Destroy", err, fault.Unsupported)
	if want := "Suble.io has no destroy API; delete an hourly-billed server"; len(e.Message) < len(want) || e.Message[:len(want)] != want {
		t.Errorf("message %q", e.Message)
	}
	_, err = p.Power(t.Context(), subletest.RunningID, driver.PowerHardReset)
	requireClass(t, "Power(reset)", err, fault.Unsupported)
	for _, f := range []func() error{
		func() error { _, err := p.ISOs(t.Context(), subletest.RunningID); return err },
		func() error { return p.SetPTR(t.Context(), subletest.RunningID, subletest.RunningIP, "a.example.com") },
		func() error { _, err := p.Snapshots(t.Context(), subletest.RunningID); return err },
	} {
		requireClass(t, "unsupported call", f(), fault.Unsupported)
	}
}
