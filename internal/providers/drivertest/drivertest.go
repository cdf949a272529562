// Package drivertest is the conformance suite every provider driver runs,
// in the manner of gocloud.dev's blob/drivertest: a driver's test supplies
// a Harness (usually a driver pointed at an HTTP emulator of the provider)
// and calls Run. Capabilities the driver does not implement are skipped
// with the reason, as rclone's shared backend tests do.
//
// Wrong-state actions (start a running server) may either fail with a
// Conflict error or be accepted as a no-op that leaves the state as it
// was: providers differ, and both are honest. Anything else a driver
// returns as an error must be a *fault.Error with the class named here.
package drivertest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Harness makes drivers for the suite.
type Harness interface {
	// MakeDriver returns a driver over a fresh fleet in which the Fixtures
	// hold. Each subtest makes its own, so one may destroy a server
	// without disturbing the others. Cleanup goes through t.Cleanup.
	MakeDriver(ctx context.Context, t *testing.T) driver.Driver
	// Fixtures names servers and resources of the fresh fleet.
	Fixtures() Fixtures
	// Settle lets the operations in flight on d finish: an emulator with
	// a fake clock advances it, a real-time one may do nothing and leave
	// the waiting to Operation.Wait (the demo at Speed 0 finishes at once).
	Settle(ctx context.Context, t *testing.T, d driver.Driver)
}

// Fixtures names what a fresh fleet contains.
type Fixtures struct {
	RunningID string // a server that is running
	StoppedID string // a server that is stopped
	MissingID string // a well-formed id no server has
	ImageID   string // an image RunningID can be reinstalled with
	ISO       string // an ISO id RunningID can mount
	IP        string // an address of RunningID
	// ReinstallID is the server the reinstall test uses (default
	// RunningID); a provider that reinstalls only stopped servers names
	// one here.
	ReinstallID string
	// DestroyCancels says Destroy is a billing-level cancellation: the
	// server may still exist when its Operation ends, and the Operation's
	// Description must say it is a cancellation.
	DestroyCancels bool
}

// waitLimit bounds one Operation.Wait so a stuck operation fails its test
// instead of hanging the run.
const waitLimit = 2 * time.Minute

// PTRHostname is the hostname the suite sets as a PTR record.
const PTRHostname = "drivertest.example.com"

// foreignIP belongs to no server in any sane fixture (RFC 2544 range).
const foreignIP = "198.18.0.1"

// Run runs the suite against h.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		need driver.Capability
		run  func(t *testing.T, s *suite)
	}{
		{"List", driver.CapNone, testList},
		{"Get", driver.CapNone, testGet},
		{"GetMissing", driver.CapNone, testGetMissing},
		{"Canceled", driver.CapNone, testCanceled},
		{"ConcurrentReads", driver.CapNone, testConcurrentReads},
		{"Describer", driver.CapNone, testDescriber},
		{"PowerActions", driver.CapPower, testPowerActions},
		{"PowerCycle", driver.CapPower, testPowerCycle},
		{"PowerWrongState", driver.CapPower, testPowerWrongState},
		{"PowerMissing", driver.CapPower, testPowerMissing},
		{"Images", driver.CapImages, testImages},
		{"ReinstallBadImage", driver.CapReinstall, testReinstallBadImage},
		{"Reinstall", driver.CapReinstall, testReinstall},
		{"ISO", driver.CapISO, testISO},
		{"PTR", driver.CapPTR, testPTR},
		{"PTRInvalid", driver.CapPTR, testPTRInvalid},
		{"SnapshotList", driver.CapSnapshots, testSnapshotList},
		{"Snapshot", driver.CapSnapshot, testSnapshot},
		{"Console", driver.CapConsole, testConsole},
		{"InitialLogin", driver.CapLogin, testInitialLogin},
		{"Destroy", driver.CapDestroy, testDestroy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			d := h.MakeDriver(ctx, t)
			if !driver.Has(d, tc.need) {
				t.Skipf("driver does not implement capability %q", tc.need)
			}
			tc.run(t, &suite{h: h, d: d, f: h.Fixtures(), ctx: ctx})
		})
	}
}

// suite is what one subtest works with.
type suite struct {
	h   Harness
	d   driver.Driver
	f   Fixtures
	ctx context.Context
}

// wait settles and waits for op, returning the progress it reported. A
// nil Wait (a synchronous action) reports nothing.
func (s *suite) wait(t *testing.T, op *driver.Operation) []driver.Progress {
	t.Helper()
	if op == nil {
		t.Fatal("nil Operation with a nil error")
	}
	ctx, cancel := context.WithTimeout(s.ctx, waitLimit)
	defer cancel()
	s.h.Settle(ctx, t, s.d)
	if op.Wait == nil {
		return nil
	}
	var mu sync.Mutex
	var got []driver.Progress
	err := op.Wait(ctx, func(p driver.Progress) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("wait for %q: %v", op.Description, err)
	}
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(got)
}

// get fetches id or fails the test.
func (s *suite) get(t *testing.T, id string) *driver.Server {
	t.Helper()
	srv, err := s.d.GetServer(s.ctx, id)
	if err != nil {
		t.Fatalf("GetServer(%s): %v", id, err)
	}
	if srv == nil {
		t.Fatalf("GetServer(%s): nil server with a nil error", id)
	}
	return srv
}

// requireClass fails unless err is a *fault.Error of one of the classes.
func requireClass(t *testing.T, what string, err error, want ...fault.Class) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want class %v", what, want)
	}
	var e *fault.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v (%T) is not a *fault.Error", what, err, err)
	}
	if !slices.Contains(want, e.Class) {
		t.Fatalf("%s: class %q (%v), want one of %v", what, e.Class, err, want)
	}
}

// requireDriverError fails unless a non-nil err is a *fault.Error.
func requireDriverError(t *testing.T, what string, err error) {
	t.Helper()
	var e *fault.Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("%s: error %v (%T) is not a *fault.Error", what, err, err)
	}
}
