package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

var (
	errUnavailable = fault.Errorf(fault.Unavailable, "HTTP 503")
	errNotFound    = fault.Errorf(fault.NotFound, "no such server")
	errWrongState  = fault.Errorf(fault.Conflict, "already running")
	errBusy        = &fault.Error{Class: fault.Conflict, Busy: true, Message: "locked"}
	errLimited     = &fault.Error{Class: fault.RateLimited, Message: "slow down", RetryAfter: 3 * time.Second}
	errLimitedLong = &fault.Error{Class: fault.RateLimited, Message: "slow down", RetryAfter: time.Minute}
)

// TestRetryRules checks, by counting driver calls, that reads retry on
// anything retryable and mutations only when the provider proved the call
// did not run.
func TestRetryRules(t *testing.T) {
	read := func(ctx context.Context, p *Provider) error { _, err := p.ListServers(ctx); return err }
	get := func(ctx context.Context, p *Provider) error { _, err := p.GetServer(ctx, "vm-1"); return err }
	power := func(ctx context.Context, p *Provider) error {
		_, err := p.Power(ctx, "vm-1", driver.PowerStop)
		return err
	}
	setPTR := func(ctx context.Context, p *Provider) error { return p.SetPTR(ctx, "vm-1", "192.0.2.1", "a.example") }
	tests := []struct {
		name      string
		call      func(context.Context, *Provider) error
		errs      []error
		wantCalls int32
		wantClass fault.Class // "" for success
	}{
		{"read recovers from 5xx", read, []error{errUnavailable, errUnavailable}, 3, ""},
		{"read gives up after retries", get, []error{errUnavailable, errUnavailable, errUnavailable, errUnavailable}, 3, fault.Unavailable},
		{"read retries a rate limit", read, []error{errLimited}, 2, ""},
		{"read does not retry not found", get, []error{errNotFound}, 1, fault.NotFound},
		{"read does not retry busy", get, []error{errBusy}, 1, fault.Conflict},
		{"read does not retry a bare error", read, []error{errors.New("boom")}, 1, fault.Internal},
		{"read respects a long retry-after", read, []error{errLimitedLong}, 1, fault.RateLimited},
		{"mutation never retries 5xx", power, []error{errUnavailable}, 1, fault.Unavailable},
		{"mutation retries a rate limit", power, []error{errLimited}, 2, ""},
		{"mutation retries busy", setPTR, []error{errBusy, errBusy}, 3, ""},
		{"mutation does not retry wrong state", power, []error{errWrongState}, 1, fault.Conflict},
		{"mutation gives up on a long retry-after", setPTR, []error{errLimitedLong}, 1, fault.RateLimited},
		{"mutation retries are bounded", power, []error{errBusy, errBusy, errBusy, errBusy}, 3, fault.Conflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{errs: tc.errs}
			p, w := newTestProvider("p", f, Options{})
			err := tc.call(t.Context(), p)
			if got := f.calls.Load(); got != tc.wantCalls {
				t.Errorf("driver called %d times, want %d", got, tc.wantCalls)
			}
			if got := fault.ClassOf(err); got != tc.wantClass {
				t.Errorf("error %v: class %q, want %q", err, got, tc.wantClass)
			}
			if len(w.d) != int(tc.wantCalls-1) {
				t.Errorf("waited %d times for %d retries", len(w.d), tc.wantCalls-1)
			}
			for i, d := range w.d {
				if d <= 0 || d > maxRetryAfter {
					t.Errorf("wait %d is %s, want within (0, %s]", i, d, maxRetryAfter)
				}
				if tc.errs[i] == errLimited && d < errLimited.RetryAfter {
					t.Errorf("wait %d is %s, shorter than the provider's retry-after %s", i, d, errLimited.RetryAfter)
				}
			}
		})
	}
}

// TestNoRetryAfterTimeout: a mutation the driver answers only when the
// call's deadline has passed is not repeated, even when the answer is a
// rate limit, because the provider may have acted on an earlier request.
func TestNoRetryAfterTimeout(t *testing.T) {
	for _, scripted := range []error{nil, errLimited, errBusy} {
		f := &fake{block: true, errs: []error{scripted}}
		p, _ := newTestProvider("p", f, Options{Timeout: 20 * time.Millisecond})
		_, err := p.Power(t.Context(), "vm-1", driver.PowerStart)
		if err == nil {
			t.Fatalf("scripted %v: no error", scripted)
		}
		if got := f.calls.Load(); got != 1 {
			t.Errorf("scripted %v: driver called %d times after a timeout, want 1", scripted, got)
		}
	}
}

func TestTimeout(t *testing.T) {
	f := &fake{block: true}
	p, _ := newTestProvider("glesys", f, Options{Timeout: 20 * time.Millisecond, ReadRetries: -1})
	_, err := p.GetServer(t.Context(), "vm-1")
	var e *fault.Error
	if !errors.As(err, &e) || e.Class != fault.Unavailable {
		t.Fatalf("got %v, want an unavailable *fault.Error", err)
	}
	if want := "glesys: get server vm-1: timed out after 20ms"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("the timeout error does not wrap context.DeadlineExceeded")
	}
}

func TestCallerCancel(t *testing.T) {
	f := &fake{}
	p, _ := newTestProvider("p", f, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	f.block = true
	_, err := p.ListServers(ctx)
	if fault.ClassOf(err) != fault.Unavailable || !strings.HasSuffix(err.Error(), ": canceled") || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want unavailable \"canceled\" wrapping context.Canceled", err)
	}
	if f.calls.Load() != 1 {
		t.Errorf("driver called %d times, want 1", f.calls.Load())
	}
}

// TestWrapOnce checks the wrapper's error shape: the driver's class and
// message once, prefixed with provider, operation and server; the
// driver's error value untouched.
func TestWrapOnce(t *testing.T) {
	sentinel := fault.Errorf(fault.NotFound, "no such server")
	already := &fault.Error{Class: fault.NotFound, Message: "gone", Provider: "other", Op: "get server", Server: "x"}
	tests := []struct {
		name      string
		err       error
		want      string
		wantClass fault.Class
	}{
		{"driver error", sentinel, "demo-fra: get server fra-1: no such server", fault.NotFound},
		{"wrapped driver error", fmt.Errorf("demo: lookup: %w", sentinel), "demo-fra: get server fra-1: no such server", fault.NotFound},
		{"bare error", errors.New("connection reset"), "demo-fra: get server fra-1: connection reset", fault.Internal},
		{"already stamped", already, "other: get server x: gone", fault.NotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newTestProvider("demo-fra", &fake{errs: []error{tc.err}}, Options{})
			_, err := p.GetServer(t.Context(), "fra-1")
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			var e *fault.Error
			if !errors.As(err, &e) || e.Class != tc.wantClass {
				t.Fatalf("class of %v is not %q", err, tc.wantClass)
			}
			if !errors.Is(err, tc.err) {
				t.Error("the driver's error is not in the chain")
			}
		})
	}
	if sentinel.Provider != "" || sentinel.Op != "" {
		t.Errorf("the driver's sentinel error was modified: %+v", sentinel)
	}
}

// TestOperationWaitStamped checks that a failure while waiting is stamped
// too, and that Wait is not bound to the call's (already ended) timeout.
func TestOperationWaitStamped(t *testing.T) {
	p, _ := newTestProvider("p", &fake{}, Options{Timeout: time.Second})
	op, err := p.Power(t.Context(), "vm-1", driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(t.Context(), func(driver.Progress) {}); err != nil {
		t.Fatalf("Wait after the call returned: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = op.Wait(ctx, func(driver.Progress) {})
	if err == nil || !strings.HasPrefix(err.Error(), "p: power stop vm-1: timed out waiting for stop vm-1") {
		t.Fatalf("Wait with a canceled context: %v", err)
	}
}

// TestRefusedWithoutCall checks that what cannot work never reaches the
// driver: a missing capability, an unlisted power action, a malformed id.
func TestRefusedWithoutCall(t *testing.T) {
	f := &fake{}
	glesys, _ := newTestProvider("glesys", coreOnly{f}, Options{})
	full, _ := newTestProvider("p", f, Options{})
	tests := []struct {
		name      string
		call      func(ctx context.Context) error
		wantClass fault.Class
		want      string
	}{
		{"no reinstall API", func(ctx context.Context) error {
			_, err := glesys.Reinstall(ctx, "vm-1", driver.ReinstallOptions{Image: "x"})
			return err
		}, fault.Unsupported, "glesys: reinstall vm-1: GleSYS has no reinstall API; create a new server from a template instead"},
		{"no PTR API", func(ctx context.Context) error {
			return glesys.SetPTR(ctx, "vm-1", "192.0.2.1", "a.example")
		}, fault.Unsupported, "glesys: set PTR vm-1: GleSYS has no reverse DNS (PTR) API"},
		{"no power API", func(ctx context.Context) error {
			_, err := glesys.Power(ctx, "vm-1", driver.PowerStart)
			return err
		}, fault.Unsupported, "glesys: power start vm-1: GleSYS has no power API"},
		{"unlisted power action", func(ctx context.Context) error {
			_, err := full.Power(ctx, "vm-1", driver.PowerHardReset)
			return err
		}, fault.Unsupported, "p: power reset vm-1: fake cannot reset a server; it supports start, stop"},
		{"malformed id", func(ctx context.Context) error {
			_, err := full.GetServer(ctx, "../etc")
			return err
		}, fault.Invalid, `p: get server ../etc: server id "../etc" has a character outside`},
		{"empty id", func(ctx context.Context) error {
			_, err := full.Console(ctx, "")
			return err
		}, fault.Invalid, "p: console: server id is empty"},
		{"long id", func(ctx context.Context) error {
			_, err := full.Snapshots(ctx, strings.Repeat("a", MaxIDLen+1))
			return err
		}, fault.Invalid, "server id is longer than 128 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(t.Context())
			if fault.ClassOf(err) != tc.wantClass || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v (%s), want class %s containing %q", err, fault.ClassOf(err), tc.wantClass, tc.want)
			}
		})
	}
	if n := f.calls.Load(); n != 0 {
		t.Fatalf("driver called %d times", n)
	}
}

func TestCapabilities(t *testing.T) {
	full, _ := newTestProvider("p", &fake{}, Options{})
	core, _ := newTestProvider("glesys", coreOnly{&fake{}}, Options{})
	if got := len(full.Capabilities()); got != len(driver.AllCapabilities) {
		t.Errorf("full fake has %d capabilities, want %d", got, len(driver.AllCapabilities))
	}
	if len(core.Capabilities()) != 0 || core.Has(driver.CapPower) || len(core.PowerActions()) != 0 {
		t.Errorf("core-only driver reports capabilities %v, actions %v", core.Capabilities(), core.PowerActions())
	}
	if full.DisplayName() != "fake" || core.DisplayName() != "GleSYS" {
		t.Errorf("display names %q, %q; want the type without a Describer, else its name", full.DisplayName(), core.DisplayName())
	}
}

// TestCheck covers the pre-flight check commands run before any gate.
func TestCheck(t *testing.T) {
	f := &fake{}
	full, _ := newTestProvider("p", f, Options{})
	glesys, _ := newTestProvider("glesys", coreOnly{f}, Options{})
	tests := []struct {
		name string
		p    *Provider
		c    driver.Capability
		a    driver.PowerAction
		want string // "" for no error
	}{
		{"read on any provider", glesys, driver.CapNone, "", ""},
		{"listed action", full, driver.CapPower, driver.PowerStop, ""},
		{"unlisted action", full, driver.CapPower, driver.PowerHardReset, "p: reset: fake cannot reset a server; it supports start, stop"},
		{"missing capability", glesys, driver.CapReinstall, "", "glesys: reinstall: GleSYS has no reinstall API; create a new server from a template instead"},
		{"action without power", glesys, driver.CapNone, driver.PowerStart, "glesys: start: GleSYS has no power API"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op := string(tc.c)
			if tc.a != "" {
				op = string(tc.a)
			}
			err := tc.p.Check(op, tc.c, tc.a)
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || err.Error() != tc.want || fault.ClassOf(err) != fault.Unsupported):
				t.Fatalf("got %v, want unsupported %q", err, tc.want)
			}
		})
	}
	if n := f.calls.Load(); n != 0 {
		t.Fatalf("driver called %d times", n)
	}
}
