package edis_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

const pathPower = "/kvm/v2/get/power"

// fakeClock is a settable clock shared by the driver and the emulator.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// TestSingleFlightLogin: a burst of 50 concurrent commands on a fresh
// driver, over several VPSes, makes exactly one login.
func TestSingleFlightLogin(t *testing.T) {
	e := newEnv(t, nil)
	ids := []string{edistest.RunningID, edistest.StoppedID, edistest.SuspendedID}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			if _, err := e.d.GetServer(t.Context(), ids[i%len(ids)]); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("GetServer: %v", err)
	}
	if n := e.srv.Logins(); n != 1 {
		t.Fatalf("50 concurrent commands made %d logins, want 1", n)
	}
}

// runCommands runs n commands from 8 concurrent callers.
func runCommands(t *testing.T, d *edis.Driver, n int) {
	t.Helper()
	const callers = 8
	var wg sync.WaitGroup
	var failed atomic.Int64
	for c := range callers {
		wg.Go(func() {
			for i := c; i < n; i += callers {
				var err error
				switch i % 4 {
				case 0:
					_, err = d.ListServers(t.Context())
				case 1:
					_, err = d.GetServer(t.Context(), edistest.StoppedID)
				case 2:
					_, err = d.ISOs(t.Context(), edistest.RunningID)
				default:
					_, err = d.GetServer(t.Context(), edistest.RunningID)
				}
				if err != nil {
					failed.Add(1)
					t.Errorf("command %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
}

// TestLoginsPerThousandCommands: 1,000 commands from 8 callers within one
// session lifetime make one login; across four lifetimes, four.
func TestLoginsPerThousandCommands(t *testing.T) {
	t.Run("one lifetime", func(t *testing.T) {
		e := newEnv(t, nil)
		runCommands(t, e.d, 1000)
		t.Logf("logins per 1000 commands (8 callers): %d", e.srv.Logins())
		if n := e.srv.Logins(); n != 1 {
			t.Fatalf("1000 commands made %d logins, want 1", n)
		}
	})
	t.Run("four lifetimes", func(t *testing.T) {
		clk := newFakeClock()
		const ttl = time.Hour
		e := newEnv(t, func(c *edis.Config) { c.Clock = clk.Now },
			edistest.WithClock(clk.Now), edistest.WithSessionTTL(ttl))
		for range 4 {
			runCommands(t, e.d, 250)
			clk.Advance(ttl)
		}
		if n := e.srv.Logins(); n != 4 {
			t.Fatalf("1000 commands over 4 session lifetimes made %d logins, want 4", n)
		}
	})
}

// TestRenewBeforeExpiry: a session inside its renewal margin is renewed
// before use, so the API never sees an expiring signature.
func TestRenewBeforeExpiry(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, func(c *edis.Config) { c.Clock = clk.Now },
		edistest.WithClock(clk.Now), edistest.WithSessionTTL(time.Hour))
	if _, err := e.d.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour - 30*time.Second) // inside the one-minute margin
	before := e.srv.Count(pathPower)
	if _, err := e.d.GetServer(t.Context(), edistest.RunningID); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.Logins(); n != 2 {
		t.Errorf("logins = %d, want 2 (renewed before expiry)", n)
	}
	if n := e.srv.Count(pathPower) - before; n != 1 {
		t.Errorf("get/power requests = %d, want 1 (no rejected attempt)", n)
	}
}

// TestReloginOnceAfterRejection: revoked signatures cost one login and
// one repeated request; a session that stays rejected fails without a
// loop.
func TestReloginOnceAfterRejection(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.d.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.srv.RevokeSessions()
	before := e.srv.Count(pathPower)
	if _, err := e.d.GetServer(t.Context(), edistest.RunningID); err != nil {
		t.Fatalf("GetServer after revocation: %v", err)
	}
	if n := e.srv.Logins(); n != 2 {
		t.Errorf("logins = %d, want 2", n)
	}
	if n := e.srv.Count(pathPower) - before; n != 2 {
		t.Errorf("get/power requests = %d, want 2 (rejected, then repeated)", n)
	}

	e.srv.Inject(edistest.Fault{Path: pathPower, Status: 401, Body: `{"status":"error","msg":"invalid signature"}`})
	before, logins := e.srv.Count(pathPower), e.srv.Logins()
	_, err := e.d.GetServer(t.Context(), edistest.RunningID)
	if c := driverErr(t, "GetServer with a rejected session", err).Class; c != fault.Unauthenticated {
		t.Errorf("class %q, want unauthenticated", c)
	}
	if n := e.srv.Count(pathPower) - before; n != 2 {
		t.Errorf("get/power requests = %d, want 2", n)
	}
	if n := e.srv.Logins() - logins; n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
}

// TestMigration: the VPS moves to another api_host; the old host refuses
// it; the driver logs in once, learns the new host and succeeds, for a
// read and for a mutation, which reaches the new host exactly once.
func TestMigration(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.d.GetServer(t.Context(), edistest.RunningID); err != nil {
		t.Fatal(err)
	}
	oldHost := e.srv.APIHost(edistest.RunningID)
	newHost := e.srv.Migrate(edistest.RunningID)
	if oldHost == newHost {
		t.Fatal("migration did not change the api_host")
	}
	srv, err := e.d.GetServer(t.Context(), edistest.RunningID)
	if err != nil {
		t.Fatalf("GetServer after migration: %v", err)
	}
	if srv.Status != driver.StatusRunning {
		t.Errorf("status %q after migration", srv.Status)
	}
	if n := e.srv.Logins(); n != 2 {
		t.Errorf("logins = %d, want 2", n)
	}
	if n := e.srv.CountAt(e.srv.SecondaryURL, pathPower); n != 1 {
		t.Errorf("get/power at the new host = %d, want 1", n)
	}

	e.srv.Migrate(edistest.RunningID) // back to the primary
	op, err := e.d.Power(t.Context(), edistest.RunningID, driver.PowerOff)
	if err != nil {
		t.Fatalf("poweroff after a second migration: %v", err)
	}
	wait(t, op)
	const off = "/kvm/v2/set/poweroff"
	if a, b := e.srv.CountAt(e.srv.SecondaryURL, off), e.srv.CountAt(e.srv.URL, off); a != 1 || b != 1 {
		t.Errorf("set/poweroff at old host %d, new host %d; want 1 refused and 1 done", a, b)
	}
	if n := e.srv.Logins(); n != 3 {
		t.Errorf("logins = %d, want 3", n)
	}
	if v, _ := e.srv.Snapshot(edistest.RunningID); v.On {
		t.Error("VPS still on after poweroff")
	}
}

// TestUnknownIDNoLogin: ids the account lacks are answered from a recent
// login, so mistyped ids do not multiply logins.
func TestUnknownIDNoLogin(t *testing.T) {
	e := newEnv(t, nil)
	for range 3 {
		_, err := e.d.GetServer(t.Context(), edistest.MissingID)
		if c := driverErr(t, "GetServer(missing)", err).Class; c != fault.NotFound {
			t.Fatalf("class %q, want not_found", c)
		}
	}
	if n := e.srv.Logins(); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
}

func TestLoginFailures(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		e := newEnv(t, func(c *edis.Config) { c.Password = "Wr0ng+&=Secret" })
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				_, err := e.d.ListServers(t.Context())
				if err == nil || fault.ClassOf(err) != fault.Unauthenticated {
					t.Errorf("ListServers: %v, want unauthenticated", err)
				} else if strings.Contains(err.Error(), "Wr0ng") {
					t.Errorf("error %q contains the password", err)
				}
			})
		}
		wg.Wait()
		if n := e.srv.Logins(); n < 1 || n > 10 {
			t.Errorf("logins = %d", n)
		}
	})
	t.Run("API access disabled", func(t *testing.T) {
		e := newEnv(t, nil)
		e.srv.SetAPIAccess(false)
		_, err := e.d.GetServer(t.Context(), edistest.RunningID)
		if c := driverErr(t, "GetServer", err).Class; c != fault.PermissionDenied {
			t.Errorf("class %q (%v), want permission_denied", c, err)
		}
	})
}

// TestKVMIDs: an instance limited to one VPS sees and touches only it.
func TestKVMIDs(t *testing.T) {
	e := newEnv(t, func(c *edis.Config) { c.KVMIDs = []string{edistest.StoppedID} })
	list, err := e.d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != edistest.StoppedID {
		t.Fatalf("ListServers = %+v, want only %s", list, edistest.StoppedID)
	}
	_, err = e.d.Destroy(t.Context(), edistest.RunningID)
	if c := driverErr(t, "Destroy outside kvm_ids", err).Class; c != fault.NotFound {
		t.Errorf("class %q, want not_found", c)
	}
	if n := e.srv.Count(edistest.PathCancel); n != 0 {
		t.Errorf("cancel requests = %d, want 0", n)
	}
}
