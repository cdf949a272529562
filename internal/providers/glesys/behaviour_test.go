package glesys_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// TestPowerRefusals: actions the state rules out are refused before any
// mutating call.
func TestPowerRefusals(t *testing.T) {
	tests := []struct {
		name, id string
		a        driver.PowerAction
		lock     bool
		busy     bool
		path     string
	}{
		{"start running", glesystest.RunningID, driver.PowerStart, false, false, "/server/start"},
		{"stop stopped", glesystest.StoppedID, driver.PowerStop, false, false, "/server/stop"},
		{"poweroff stopped", glesystest.StoppedID, driver.PowerOff, false, false, "/server/stop"},
		{"reboot stopped", glesystest.StoppedID, driver.PowerReboot, false, false, "/server/reboot"},
		{"stop locked", glesystest.RunningID, driver.PowerStop, true, true, "/server/stop"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmulator(t)
			d := newDriver(t, srv)
			if tc.lock {
				srv.SetLocked(tc.id, 5)
			}
			op, err := d.Power(t.Context(), tc.id, tc.a)
			if op != nil {
				t.Error("operation returned with an error")
			}
			if e := asDriverError(t, err); e.Class != fault.Conflict || e.Busy != tc.busy {
				t.Errorf("got %s busy=%v, want conflict busy=%v (%v)", e.Class, e.Busy, tc.busy, err)
			}
			if n := srv.Count(tc.path); n != 0 {
				t.Errorf("%s called %d times; a refused action must not reach the API", tc.path, n)
			}
		})
	}
}

// TestPowerRace: when the API refuses an action the pre-check allowed
// (another client locked the server in between), its answer is classified.
func TestPowerRace(t *testing.T) {
	srv := newEmulator(t)
	d := newDriver(t, srv)
	srv.Inject(glesystest.Fault{Path: "/server/stop", Status: 400, Message: "Server kvm3652342 is locked: another operation is in progress", Times: 1})
	_, err := d.Power(t.Context(), glesystest.RunningID, driver.PowerStop)
	if e := asDriverError(t, err); e.Class != fault.Conflict || !e.Busy {
		t.Errorf("got %s busy=%v, want busy conflict", e.Class, e.Busy)
	}
	if running, _ := srv.Running(glesystest.RunningID); !running {
		t.Error("the refused stop stopped the server")
	}
}

// TestPowerProgress: a stop reports the waiting, then the end state, with
// the configured clock, and really stops the server (hard power off too).
func TestPowerProgress(t *testing.T) {
	for _, a := range []driver.PowerAction{driver.PowerStop, driver.PowerOff} {
		t.Run(string(a), func(t *testing.T) {
			srv := newEmulator(t, glesystest.WithTransitionPolls(3))
			at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
			d := newDriver(t, srv, func(c *glesys.Config) { c.Clock = func() time.Time { return at } })
			op, err := d.Power(t.Context(), glesystest.RunningID, a)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(op.Description, glesystest.RunningName) {
				t.Errorf("description %q does not name the server", op.Description)
			}
			var mu sync.Mutex
			var got []driver.Progress
			if err := op.Wait(t.Context(), func(p driver.Progress) { mu.Lock(); got = append(got, p); mu.Unlock() }); err != nil {
				t.Fatal(err)
			}
			if len(got) < 2 || got[0].Status != "stopping" || got[len(got)-1].Status != "stopped" {
				t.Fatalf("progress %+v: want stopping … stopped", got)
			}
			for _, p := range got {
				if p.Percent != -1 || !p.At.Equal(at) {
					t.Errorf("progress %+v: want Percent -1 and At from the clock", p)
				}
			}
			if running, _ := srv.Running(glesystest.RunningID); running {
				t.Error("server still running")
			}
		})
	}
}

// TestPowerWaitTimeout: a shutdown the OS never finishes ends Wait with
// the caller's deadline as Unavailable, not a hang.
func TestPowerWaitTimeout(t *testing.T) {
	srv := newEmulator(t, glesystest.WithTransitionPolls(1_000_000))
	d := newDriver(t, srv)
	op, err := d.Power(t.Context(), glesystest.RunningID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	err = op.Wait(ctx, func(driver.Progress) {})
	if e := asDriverError(t, err); e.Class != fault.Unavailable {
		t.Errorf("class %s, want unavailable", e.Class)
	}
}

func TestNoReinstallNoSnapshotNoReset(t *testing.T) {
	d := newDriver(t, newEmulator(t))
	var dd driver.Driver = d
	if _, ok := dd.(driver.Reinstaller); ok {
		t.Error("GleSYS has no reinstall API, but the driver implements Reinstaller")
	}
	if _, ok := dd.(driver.Snapshotter); ok {
		t.Error("the driver implements Snapshotter over unverified backup functions")
	}
	if slices.Contains(d.PowerActions(), driver.PowerHardReset) {
		t.Error("PowerActions lists reset, whose semantics are unverified")
	}
	if got := d.Instead(driver.CapReinstall); got != "use destroy and create, or the control panel" {
		t.Errorf("Instead(reinstall) = %q", got)
	}
	if d.Instead(driver.CapSnapshot) == "" {
		t.Error("Instead(snapshot) gives no advice")
	}
}

func TestList(t *testing.T) {
	srv := newEmulator(t)
	d := newDriver(t, srv)
	list, err := d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	if want := []string{glesystest.RunningID, glesystest.StoppedID, glesystest.LegacyID}; !slices.Equal(ids, want) {
		t.Fatalf("ids %v, want %v in the API's order", ids, want)
	}
	got := list[0]
	want := driver.Server{
		ID: glesystest.RunningID, Name: glesystest.RunningName, Status: driver.StatusRunning, State: "running",
		IPv4: []string{glesystest.RunningIPv4}, IPv6: []string{glesystest.RunningIPv6},
		Region: "Falkenberg", Plan: "KVM", Image: glesystest.TemplateName, CPUs: 1, MemoryMB: 2048, DiskGB: 30,
	}
	if !serversEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if list[1].Status != driver.StatusStopped || list[1].State != "ready" {
		t.Errorf("stopped server: %+v", list[1])
	}

	// A server destroyed between server/list and its server/details is
	// left out rather than failing the listing.
	srv.Inject(glesystest.Fault{Path: "/server/details", Status: 404, Times: 1})
	list, err = d.ListServers(t.Context())
	if err != nil || len(list) != 2 {
		t.Errorf("with one server gone mid-list: %d servers, %v; want 2", len(list), err)
	}
	// Legacy: a project without servers answered server/list with 404.
	srv.Inject(glesystest.Fault{Path: "/server/list", Status: 404, Message: "No servers found", Times: 1})
	if list, err = d.ListServers(t.Context()); err != nil || len(list) != 0 {
		t.Errorf("legacy empty list: %v, %v", list, err)
	}
	// Any other failure of a details call fails the listing.
	srv.Inject(glesystest.Fault{Path: "/server/details", Status: 500, Times: 1})
	if _, err = d.ListServers(t.Context()); fault.ClassOf(err) != fault.Unavailable {
		t.Errorf("details 500 during list: %v, want unavailable", err)
	}
}

// TestListOther404IsNotEmpty: only a 404 whose text says there are no
// servers is an empty project; any other 404 on server/list (a wrong
// BaseURL, a proxy's page) is an error, never an empty fleet.
func TestListOther404IsNotEmpty(t *testing.T) {
	tests := []struct {
		name  string
		fault *glesystest.Fault
		base  string // appended to the emulator's URL
	}{
		{"unknown function from a wrong BaseURL", nil, "/v2"},
		{"404 without text", &glesystest.Fault{Path: "/server/list", Status: 404, Times: 1}, ""},
		{"404 other text", &glesystest.Fault{Path: "/server/list", Status: 404, Message: "Unknown function server/list", Times: 1}, ""},
		{"bare 404 page", &glesystest.Fault{Path: "/server/list", Status: 404, Body: "<html>Not Found</html>", Times: 1}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmulator(t)
			d := newDriver(t, srv, func(c *glesys.Config) { c.BaseURL = srv.URL + tc.base })
			if tc.fault != nil {
				srv.Inject(*tc.fault)
			}
			list, err := d.ListServers(t.Context())
			if fault.ClassOf(err) != fault.NotFound {
				t.Fatalf("ListServers = %v, %v; want a not_found error", list, err)
			}
		})
	}
}

func serversEqual(a, b driver.Server) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Status == b.Status && a.State == b.State && a.Locked == b.Locked &&
		slices.Equal(a.IPv4, b.IPv4) && slices.Equal(a.IPv6, b.IPv6) && a.Region == b.Region && a.Plan == b.Plan &&
		a.Image == b.Image && a.CPUs == b.CPUs && a.MemoryMB == b.MemoryMB && a.DiskGB == b.DiskGB
}

func TestLockedServer(t *testing.T) {
	srv := newEmulator(t)
	d := newDriver(t, srv)
	srv.SetLocked(glesystest.RunningID, 5)
	s, err := d.GetServer(t.Context(), glesystest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Locked || s.State != "updating" || s.Status != driver.StatusRunning {
		t.Errorf("locked server: %+v", s)
	}
	_, err = d.Destroy(t.Context(), glesystest.RunningID)
	if e := asDriverError(t, err); e.Class != fault.Conflict || !e.Busy {
		t.Errorf("destroy of a locked server: %v, want busy conflict", err)
	}
	if srv.Count("/server/destroy") != 0 {
		t.Error("destroy of a locked server reached the API")
	}
}

func TestDestroyReleasesIPs(t *testing.T) {
	srv := newEmulator(t)
	d := newDriver(t, srv)
	op, err := d.Destroy(t.Context(), glesystest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"released", glesystest.RunningIPv4, glesystest.RunningIPv6, glesystest.RunningName} {
		if !strings.Contains(op.Description, s) {
			t.Errorf("description %q lacks %q", op.Description, s)
		}
	}
	if err := wait(t, op); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.PTR(glesystest.RunningIPv4); ok {
		t.Error("the address is still in the project: keepip was not false")
	}
}

func TestConsoleKinds(t *testing.T) {
	d := newDriver(t, newEmulator(t))
	c, err := d.Console(t.Context(), glesystest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "web" || !strings.HasPrefix(c.URL, "https://") || c.Host != "" {
		t.Errorf("KVM console %+v: want a web URL and no host", c)
	}
	c, err = d.Console(t.Context(), glesystest.LegacyID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "vnc" || c.Host == "" || c.Port == 0 || c.Password == "" || c.URL != "" {
		t.Errorf("VMware console %+v: want vnc host, port and password", c)
	}
}

func TestISOAndPTRInvalid(t *testing.T) {
	srv := newEmulator(t)
	d := newDriver(t, srv)
	_, err := d.MountISO(t.Context(), glesystest.RunningID, "no/such.iso")
	if e := asDriverError(t, err); e.Class != fault.Invalid {
		t.Errorf("mount unknown ISO: %v, want invalid", err)
	}
	if srv.Mounted(glesystest.RunningID) != "" {
		t.Error("a refused mount left an ISO mounted")
	}
	before := srv.Count("/ip/setptr")
	for _, h := range []string{"", "a..b", "-x.example", "under_score.example", strings.Repeat("a", 64) + ".example"} {
		err := d.SetPTR(t.Context(), glesystest.RunningID, glesystest.RunningIPv4, h)
		if e := asDriverError(t, err); e.Class != fault.Invalid {
			t.Errorf("SetPTR(%q): %v, want invalid", h, err)
		}
	}
	// Another server's address is refused: a command about one server must
	// not change another's record.
	err = d.SetPTR(t.Context(), glesystest.RunningID, glesystest.StoppedIPv4, "x.example")
	if e := asDriverError(t, err); e.Class != fault.Invalid {
		t.Errorf("SetPTR(other server's IP): %v, want invalid", err)
	}
	if n := srv.Count("/ip/setptr") - before; n != 0 {
		t.Errorf("%d refused SetPTR calls reached the API", n)
	}
	// IPv6 in another spelling is the same address.
	if err := d.SetPTR(t.Context(), glesystest.RunningID, "2001:0db8:0750::0121", "v6.example"); err != nil {
		t.Fatalf("SetPTR(IPv6 long form): %v", err)
	}
	if ptr, _ := srv.PTR(glesystest.RunningIPv6); ptr != "v6.example." {
		t.Errorf("PTR %q, want v6.example.", ptr)
	}
}

// TestPollFailureLimit: up to maxPollFailures (3) transient poll failures
// in a row are ridden out, for power actions and destroy alike; one more
// ends the wait as unavailable; a success in between resets the count.
func TestPollFailureLimit(t *testing.T) {
	tests := []struct {
		name   string
		faults []glesystest.Fault
		ok     bool
	}{
		{"3 in a row", []glesystest.Fault{{Status: 503, Times: 3}}, true},
		{"3 mixed", []glesystest.Fault{{Status: 503, Times: 1}, {Status: 429, Times: 1}, {Status: 502, Body: "<html>bad gateway</html>", Times: 1}}, true},
		{"4 in a row", []glesystest.Fault{{Status: 503, Times: 4}}, false},
		{"3, a success, 3", []glesystest.Fault{{Status: 503, Times: 3}, {Delay: time.Nanosecond, Times: 1}, {Status: 503, Times: 3}}, true},
	}
	ops := map[string]func(*glesys.Driver) (*driver.Operation, error){
		"stop": func(d *glesys.Driver) (*driver.Operation, error) {
			return d.Power(t.Context(), glesystest.RunningID, driver.PowerStop)
		},
		"destroy": func(d *glesys.Driver) (*driver.Operation, error) { return d.Destroy(t.Context(), glesystest.RunningID) },
	}
	for opName, start := range ops {
		for _, tc := range tests {
			t.Run(opName+"/"+tc.name, func(t *testing.T) {
				// The transition takes longer than the faults last, so
				// every fault is hit by a poll before the end state.
				srv := newEmulator(t, glesystest.WithTransitionPolls(2))
				d := newDriver(t, srv)
				op, err := start(d)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range tc.faults {
					f.Path = "/server/details"
					srv.Inject(f)
				}
				err = wait(t, op)
				if tc.ok && err != nil {
					t.Fatalf("wait: %v", err)
				}
				if !tc.ok {
					if e := asDriverError(t, err); e.Class != fault.Unavailable {
						t.Fatalf("wait: %v, want unavailable after 4 failed polls", err)
					}
				}
			})
		}
	}
}

// TestPollSurvivesTransientFailure: a 503 and a 429 while waiting do not
// end the wait; a 403 does.
func TestPollSurvivesTransientFailure(t *testing.T) {
	srv := newEmulator(t)
	d := newDriver(t, srv)
	op, err := d.Power(t.Context(), glesystest.RunningID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(glesystest.Fault{Path: "/server/details", Status: 503, Times: 1})
	srv.Inject(glesystest.Fault{Path: "/server/details", Status: 429, Times: 1})
	before := srv.Count("/server/details")
	if err := wait(t, op); err != nil {
		t.Fatalf("wait with transient poll failures: %v", err)
	}
	if n := srv.Count("/server/details") - before; n < 3 {
		t.Errorf("%d polls; the faults were not hit", n)
	}

	op, err = d.Power(t.Context(), glesystest.RunningID, driver.PowerStart)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(glesystest.Fault{Path: "/server/details", Status: 403, Times: 1})
	if e := asDriverError(t, wait(t, op)); e.Class != fault.PermissionDenied {
		t.Errorf("wait after a 403 poll: %v, want permission_denied", e)
	}
}
