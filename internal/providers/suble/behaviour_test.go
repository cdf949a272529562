package suble_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

func TestListSkipsOtherProducts(t *testing.T) {
	d := newDriver(t, newEmu(t))
	list, err := d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{subletest.RunningID, subletest.StoppedID}) {
		t.Fatalf("listed %v, want only the two VPS products", ids)
	}
	web := list[0]
	if web.Name != "Web Server 01" || web.State != "online" ||
		!slices.Equal(web.IPv4, []string{"192.121.119.100"}) || !slices.Equal(web.IPv6, []string{"2001:67c:bec:b::100"}) {
		t.Errorf("listed %+v", web)
	}
}

// TestLargeProject: the API does not paginate; a project with hundreds of
// products comes back whole in one request.
func TestLargeProject(t *testing.T) {
	srv := newEmu(t, subletest.WithProducts(300))
	list, err := newDriver(t, srv).ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 302 || srv.Count("GET", listPath) != 1 {
		t.Fatalf("listed %d servers in %d requests, want 302 in 1", len(list), srv.Count("GET", listPath))
	}
}

func TestGetServerStatusAndUsage(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	s, err := d.GetServer(t.Context(), subletest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != driver.StatusRunning || s.State != "running" || s.CPUs != 1 || s.MemoryMB != 1024 || s.DiskGB != 25 {
		t.Errorf("server %+v", s)
	}
	usage := map[string]driver.Metric{}
	for _, m := range s.Usage {
		usage[m.Name] = m
	}
	if usage["cpu"].Value != 15.5 || usage["memory"].Value != 50 || usage["memory_used"].Value != 512 || usage["uptime"].Value < 86400 {
		t.Errorf("usage %+v", s.Usage)
	}
	// A second look within MetadataTTL reuses the listing: one request.
	if _, err := d.GetServer(t.Context(), subletest.RunningID); err != nil {
		t.Fatal(err)
	}
	if l, st := srv.Count("GET", listPath), srv.Count("GET", vpsPath(subletest.RunningID, "status")); l != 1 || st != 2 {
		t.Errorf("two GetServer calls made %d list and %d status requests, want 1 and 2", l, st)
	}
	stopped, err := d.GetServer(t.Context(), subletest.StoppedID)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.Status != driver.StatusStopped || len(stopped.Usage) != 0 {
		t.Errorf("stopped server %+v", stopped)
	}
}

func TestMetadataTTLNegativeAlwaysLists(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, func(c *suble.Config) { c.MetadataTTL = -1 })
	for range 2 {
		if _, err := d.GetServer(t.Context(), subletest.RunningID); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Count("GET", listPath); n != 2 {
		t.Errorf("listed %d times, want 2", n)
	}
}

func TestProductsRestriction(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, func(c *suble.Config) { c.Products = []string{subletest.StoppedID} })
	list, err := d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != subletest.StoppedID {
		t.Fatalf("listed %+v, want only %s", list, subletest.StoppedID)
	}
	before := srv.Count("POST", vpsPath(subletest.RunningID, "control"))
	_, err = d.Power(t.Context(), subletest.RunningID, driver.PowerStop)
	requireClass(t, "Power(unconfigured)", err, fault.NotFound)
	_, err = d.GetServer(t.Context(), subletest.RunningID)
	requireClass(t, "GetServer(unconfigured)", err, fault.NotFound)
	if srv.Count("POST", vpsPath(subletest.RunningID, "control")) != before {
		t.Error("a product outside the configured ones was called")
	}
}

// TestOtherProductTypeIsNotAServer: a product of another type is not found.
func TestOtherProductTypeIsNotAServer(t *testing.T) {
	d := newDriver(t, newEmu(t))
	_, err := d.GetServer(t.Context(), subletest.OtherID)
	requireClass(t, "GetServer(webhosting)", err, fault.NotFound)
	_, err = d.Power(t.Context(), subletest.OtherID, driver.PowerStart)
	requireClass(t, "Power(webhosting)", err, fault.NotFound)
}

func TestWrongStateActions(t *testing.T) {
	tests := []struct {
		id   string
		a    driver.PowerAction
		want string
	}{
		{subletest.RunningID, driver.PowerStart, "already running"},
		{subletest.StoppedID, driver.PowerStop, "already stopped"},
		{subletest.StoppedID, driver.PowerOff, "already stopped"},
		{subletest.StoppedID, driver.PowerReboot, "start it first"},
	}
	for _, tc := range tests {
		t.Run(string(tc.a), func(t *testing.T) {
			d := newDriver(t, newEmu(t))
			op, err := d.Power(t.Context(), tc.id, tc.a)
			e := requireClass(t, "Power", err, fault.Conflict)
			if !strings.Contains(e.Message, tc.want) || e.Busy || op != nil {
				t.Errorf("got %q busy=%v op=%v, want %q, not busy, no operation", e.Message, e.Busy, op, tc.want)
			}
		})
	}
}

// TestActionWhileBusy: a second action during the first is a busy Conflict.
func TestActionWhileBusy(t *testing.T) {
	d := newDriver(t, newEmu(t, subletest.WithSteps(5)))
	if _, err := d.Power(t.Context(), subletest.RunningID, driver.PowerStop); err != nil {
		t.Fatal(err)
	}
	_, err := d.Power(t.Context(), subletest.RunningID, driver.PowerReboot)
	if e := requireClass(t, "Power during stop", err, fault.Conflict); !e.Busy {
		t.Errorf("%v is not marked busy", e)
	}
}

// TestPowerProgress: kill takes several polls; the operation reports
// waiting progress, then the end state.
func TestPowerProgress(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(3))
	d := newDriver(t, srv)
	op, err := d.Power(t.Context(), subletest.RunningID, driver.PowerOff)
	if err != nil {
		t.Fatal(err)
	}
	got := wait(t, op)
	if len(got) < 2 || got[0].Status != "stopping" || got[len(got)-1].Percent != 100 {
		t.Errorf("progress %+v", got)
	}
	if n := srv.Count("GET", vpsPath(subletest.RunningID, "status")); n != 3 {
		t.Errorf("polled %d times, want 3", n)
	}
}

// TestRebootWaitsForBoot: the server says "running" throughout a reboot;
// the operation ends only once the uptime shows it booted again.
func TestRebootWaitsForBoot(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(3))
	d := newDriver(t, srv)
	op, err := d.Power(t.Context(), subletest.RunningID, driver.PowerReboot)
	if err != nil {
		t.Fatal(err)
	}
	wait(t, op)
	if n := srv.Count("GET", vpsPath(subletest.RunningID, "status")); n != 3 {
		t.Errorf("reboot finished after %d polls, want 3", n)
	}
	s, _ := d.GetServer(t.Context(), subletest.RunningID)
	for _, m := range s.Usage {
		if m.Name == "uptime" && m.Value > 60 {
			t.Errorf("uptime after reboot is %v s", m.Value)
		}
	}
}

func TestReinstallRunningConflict(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	op, err := d.Reinstall(t.Context(), subletest.RunningID, driver.ReinstallOptions{Image: "debian-12"})
	e := requireClass(t, "Reinstall(running)", err, fault.Conflict)
	if !strings.Contains(e.Message, "stop it first") || op != nil {
		t.Errorf("message %q, op %v", e.Message, op)
	}
	if n := srv.Count("POST", vpsPath(subletest.RunningID, "control")); n != 0 {
		t.Errorf("the driver sent %d control requests; it must not stop the server itself", n)
	}
	if s, _ := d.GetServer(t.Context(), subletest.RunningID); s.Status != driver.StatusRunning {
		t.Errorf("server is %s after a refused rebuild", s.Status)
	}
}

// TestReinstallStopped runs the conformance suite's reinstall checks on a
// stopped server (the suite uses a running one, which Suble refuses).
func TestReinstallStopped(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(3))
	d := newDriver(t, srv, func(c *suble.Config) { c.RebuildSSHKeys = []string{"key_abc123"} })
	const pw = "Drivertest-Secret-42"
	op, err := d.Reinstall(t.Context(), subletest.StoppedID, driver.ReinstallOptions{Image: "ubuntu-22.04", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(op.Description, pw) || !strings.Contains(op.Description, "password is not applied") {
		t.Errorf("description %q", op.Description)
	}
	progress := wait(t, op)
	if len(progress) == 0 || progress[0].Status != "installing" {
		t.Errorf("progress %+v", progress)
	}
	last := -1
	for _, p := range progress {
		if p.Percent < -1 || p.Percent > 100 || p.Percent >= 0 && p.Percent < last {
			t.Errorf("progress %+v out of order", progress)
		}
		last = max(last, p.Percent)
		if strings.Contains(p.Message, pw) {
			t.Errorf("progress %q has the password", p.Message)
		}
	}
	s, err := d.GetServer(t.Context(), subletest.StoppedID)
	if err != nil || s.Status != driver.StatusRunning {
		t.Fatalf("after the rebuild: %+v, %v", s, err)
	}
}

func TestReinstallRefusals(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	_, err := d.Reinstall(t.Context(), subletest.StoppedID, driver.ReinstallOptions{Image: "windows-2022"})
	if e := requireClass(t, "Reinstall(unknown image)", err, fault.Invalid); !strings.Contains(e.Message, "debian-12") {
		t.Errorf("message %q does not list the images", e.Message)
	}
	_, err = d.Reinstall(t.Context(), subletest.StoppedID, driver.ReinstallOptions{Image: "debian-12", Hostname: "db1"})
	requireClass(t, "Reinstall(hostname)", err, fault.Invalid)
	if n := srv.Count("POST", vpsPath(subletest.StoppedID, "rebuild")); n != 0 {
		t.Errorf("refused reinstalls sent %d requests", n)
	}
}

func TestImagesStatic(t *testing.T) {
	srv := newEmu(t)
	imgs, err := newDriver(t, srv).Images(t.Context(), subletest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 11 || !strings.Contains(imgs[0].Name, "static") {
		t.Errorf("images %+v", imgs)
	}
}

func TestConsoleSecrets(t *testing.T) {
	srv := newEmu(t)
	c, err := newDriver(t, srv).Console(t.Context(), subletest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "vnc" || !strings.HasPrefix(c.Password, "vnc_") || !strings.Contains(c.URL, "ticket=action_") || c.Host != "" {
		t.Errorf("console %+v: ticket must be in URL, secret in Password, nothing in Host", c)
	}
	if strings.Contains(c.URL, c.Password) {
		t.Error("the VNC secret is in the URL")
	}
	_, err = newDriver(t, srv).Console(t.Context(), subletest.StoppedID)
	requireClass(t, "Console(stopped)", err, fault.Conflict)
}

// TestConcurrentPower: actions on different servers at once.
func TestConcurrentPower(t *testing.T) {
	srv := newEmu(t, subletest.WithProducts(8))
	d := newDriver(t, srv)
	var wg sync.WaitGroup
	for i := range 8 {
		id := "vm_extra_00" + string(rune('0'+i))
		wg.Go(func() {
			op, err := d.Power(t.Context(), id, driver.PowerStart)
			if err != nil {
				t.Errorf("start %s: %v", id, err)
				return
			}
			if err := op.Wait(t.Context(), func(driver.Progress) {}); err != nil {
				t.Errorf("wait %s: %v", id, err)
			}
		})
	}
	wg.Wait()
}

func wait(t *testing.T, op *driver.Operation) []driver.Progress {
	t.Helper()
	var got []driver.Progress
	var mu sync.Mutex
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err := op.Wait(ctx, func(p driver.Progress) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("wait %q: %v", op.Description, err)
	}
	return got
}

// TestPollRidesOutTransientFailures: a 503 while waiting is reported as
// progress, not as a failed action; a persistent one ends the wait.
func TestPollRidesOutTransientFailures(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(2))
	d := newDriver(t, srv)
	op, err := d.Power(t.Context(), subletest.StoppedID, driver.PowerStart)
	if err != nil {
		t.Fatal(err)
	}
	status := vpsPath(subletest.StoppedID, "status")
	srv.Inject(subletest.Fault{Path: status, Status: 503, Times: 2})
	got := wait(t, op)
	if got[0].Status != "checking" || got[len(got)-1].Status != "running" {
		t.Errorf("progress %+v", got)
	}

	op, err = d.Power(t.Context(), subletest.StoppedID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(subletest.Fault{Path: status, Status: 503})
	err = op.Wait(t.Context(), func(driver.Progress) {})
	requireClass(t, "Wait(persistent 503)", err, fault.Unavailable)
	srv.ClearFaults()

	op, err = d.Power(t.Context(), subletest.RunningID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(subletest.Fault{Path: vpsPath(subletest.RunningID, "status"), Status: 403, Times: 1})
	err = op.Wait(t.Context(), func(driver.Progress) {})
	requireClass(t, "Wait(403)", err, fault.PermissionDenied)
}

// TestInitialLoginReadOnceThenCleared: the kept login is returned, then
// cleared at Suble, so a second read is a Conflict (the documented 400).
func TestInitialLoginReadOnceThenCleared(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	l, err := d.InitialLogin(t.Context(), subletest.StoppedID)
	if err != nil || l.Username != "ubuntu" || l.Password == "" || !l.Cleared || l.Protocol != "ssh" {
		t.Fatalf("first read: %+v, %v", l, err)
	}
	_, err = d.InitialLogin(t.Context(), subletest.StoppedID)
	if fault.ClassOf(err) != fault.Conflict || strings.Contains(err.Error(), "GeneratedPassword") {
		t.Fatalf("second read: %v, want a conflict that names no secret", err)
	}
}
