package vpsbg_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// waitOp waits for op, collecting its progress.
func waitOp(t *testing.T, op *driver.Operation) []driver.Progress {
	t.Helper()
	var got []driver.Progress
	if op.Wait == nil {
		return nil
	}
	if err := op.Wait(t.Context(), func(p driver.Progress) { got = append(got, p) }); err != nil {
		t.Fatalf("wait for %q: %v", op.Description, err)
	}
	return got
}

// TestPowerWrongStateSendsNothing: the driver refuses from the state it
// read, so no action request reaches the API.
func TestPowerWrongStateSendsNothing(t *testing.T) {
	tests := []struct {
		id string
		a  driver.PowerAction
	}{
		{vpsbgtest.RunningID, driver.PowerStart},
		{vpsbgtest.StoppedID, driver.PowerStop},
		{vpsbgtest.StoppedID, driver.PowerOff},
		{vpsbgtest.StoppedID, driver.PowerReboot},
		{vpsbgtest.SuspendedID, driver.PowerStart},
	}
	for _, tc := range tests {
		d, srv := newDriver(t)
		_, err := d.Power(t.Context(), tc.id, tc.a)
		if e := asDriverError(t, err); e.Class != fault.Conflict || e.Busy {
			t.Errorf("%s on %s: %s busy=%v (%v), want a wrong-state conflict", tc.a, tc.id, e.Class, e.Busy, err)
		}
		for _, c := range srv.Calls() {
			if c.Method != http.MethodGet {
				t.Errorf("%s on %s sent %s %s", tc.a, tc.id, c.Method, c.Path)
			}
		}
	}
}

// TestPowerProgressAndLock: while a stop is under way the server is
// locked, a second action is a busy conflict, and the Operation reports
// "stopping" with no percentage before "stopped".
func TestPowerProgressAndLock(t *testing.T) {
	d, _ := newDriver(t, vpsbgtest.WithSteps(3))
	op, err := d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(op.Description, "ubuntu-2gb") {
		t.Errorf("description %q does not name the server", op.Description)
	}
	_, err = d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerReboot)
	if e := asDriverError(t, err); e.Class != fault.Conflict || !e.Busy || !fault.Retryable(err, true) {
		t.Errorf("action on a locked server: %s busy=%v, want busy conflict", e.Class, e.Busy)
	}
	prog := waitOp(t, op)
	if len(prog) < 2 || prog[0].Status != "stopping" || prog[0].Percent != -1 ||
		prog[len(prog)-1].Status != "stopped" || prog[len(prog)-1].Percent != 100 {
		t.Errorf("progress %+v, want stopping (-1) ... stopped (100)", prog)
	}
	if s, err := d.GetServer(t.Context(), vpsbgtest.RunningID); err != nil || s.Status != driver.StatusStopped || s.Locked {
		t.Errorf("after stop: %+v, %v", s, err)
	}
}

// TestEmulatorLockAnswers423: the emulator's own 423 (not the driver's
// pre-check) comes back as a busy conflict.
func TestEmulatorLockAnswers423(t *testing.T) {
	d, srv := newDriver(t)
	srv.Inject(vpsbgtest.Fault{Method: http.MethodPost, Path: detailsPath + "/restart", Status: 423, Times: 1})
	_, err := d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerReboot)
	if e := asDriverError(t, err); e.Class != fault.Conflict || !e.Busy {
		t.Fatalf("423: %s busy=%v, want busy conflict", e.Class, e.Busy)
	}
}

// TestPollSurvivesTransientFailure: one 503 while polling does not end
// the Operation; a not_found does.
func TestPollSurvivesTransientFailure(t *testing.T) {
	d, srv := newDriver(t, vpsbgtest.WithSteps(2))
	op, err := d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(vpsbgtest.Fault{Method: http.MethodGet, Path: detailsPath, Status: 503, Times: 1})
	waitOp(t, op)

	op, err = d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerStart)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(vpsbgtest.Fault{Method: http.MethodGet, Path: detailsPath, Status: 404})
	err = op.Wait(t.Context(), func(driver.Progress) {})
	if fault.ClassOf(err) != fault.NotFound {
		t.Fatalf("poll of a vanished server: %v, want not_found", err)
	}
}

// TestRebootWaitsForTransition: a restart whose end state equals its
// start state is done only once the driver has seen it happen.
func TestRebootWaitsForTransition(t *testing.T) {
	d, _ := newDriver(t, vpsbgtest.WithSteps(2))
	op, err := d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerReboot)
	if err != nil {
		t.Fatal(err)
	}
	prog := waitOp(t, op)
	if len(prog) < 2 || prog[0].Status != "rebooting" {
		t.Errorf("reboot progress %+v, want rebooting before done", prog)
	}
}

// TestUnverifiedPathMissing: if the guessed power-off path does not exist
// on the real API (Laravel's route 404), the error says unsupported, not
// "server not found".
func TestUnverifiedPathMissing(t *testing.T) {
	d, srv := newDriver(t)
	srv.Inject(vpsbgtest.Fault{Method: http.MethodPost, Path: detailsPath + "/poweroff", Status: 404,
		Body: `{"message":"The route v1/servers/2864/poweroff could not be found."}`})
	_, err := d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerOff)
	if e := asDriverError(t, err); e.Class != fault.Unsupported || !strings.Contains(e.Message, "unverified") {
		t.Fatalf("got %s %q, want unsupported naming the unverified path", e.Class, e.Message)
	}
}

func TestReinstall(t *testing.T) {
	d, srv := newDriver(t)
	_, err := d.Reinstall(t.Context(), vpsbgtest.RunningID, driver.ReinstallOptions{Image: "999", Password: "Sup3r-Secret-pw"})
	if e := asDriverError(t, err); e.Class != fault.Invalid || !strings.Contains(e.Message, "image id") {
		t.Errorf("unknown image: %s %q, want invalid from the API's 422", e.Class, e.Message)
	}
	_, err = d.Reinstall(t.Context(), vpsbgtest.RunningID, driver.ReinstallOptions{Image: "81", Password: "short"})
	if e := asDriverError(t, err); e.Class != fault.Invalid || strings.Contains(e.Message, "short") {
		t.Errorf("short password: %s %q, want invalid without the password", e.Class, e.Message)
	}
	_, err = d.Reinstall(t.Context(), vpsbgtest.RunningID, driver.ReinstallOptions{Image: "81", Hostname: "x.example.com"})
	if fault.ClassOf(err) != fault.Invalid {
		t.Errorf("reinstall with a hostname: %v, want invalid", err)
	}
	op, err := d.Reinstall(t.Context(), vpsbgtest.RunningID, driver.ReinstallOptions{Image: "81", Password: "Sup3r-Secret-pw"})
	if err != nil {
		t.Fatal(err)
	}
	waitOp(t, op)
	s, err := d.GetServer(t.Context(), vpsbgtest.RunningID)
	if err != nil || s.Image != "Debian 12" || s.Status != driver.StatusRunning {
		t.Fatalf("after reinstall: %+v, %v; want running Debian 12", s, err)
	}
	if n := srv.Count(http.MethodPost, detailsPath+"/reinstall"); n != 3 {
		t.Errorf("%d reinstall requests, want 3 (two refused by the API, one accepted)", n)
	}
}

func TestCanceledContextBeforeCall(t *testing.T) {
	d, srv := newDriver(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := d.Power(ctx, vpsbgtest.RunningID, driver.PowerStop)
	asDriverError(t, err)
	if n := srv.Count(http.MethodPost, detailsPath+"/stop"); n != 0 {
		t.Errorf("canceled Power sent %d stop requests", n)
	}
}
