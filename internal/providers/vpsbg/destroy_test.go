package vpsbg_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// TestDestroyDefaultIsEndOfPeriod: by default Destroy requests a billing
// cancellation at the end of the paid period; the server keeps running
// and the description says so.
func TestDestroyDefaultIsEndOfPeriod(t *testing.T) {
	d, srv := newDriver(t)
	op, err := d.Destroy(t.Context(), vpsbgtest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"billing cancellation", "not immediate", "2024-08-28", "ubuntu-2gb"} {
		if !strings.Contains(op.Description, w) {
			t.Errorf("description %q lacks %q", op.Description, w)
		}
	}
	if op.Wait != nil {
		t.Error("an end-of-period cancellation has nothing to wait for")
	}
	if canceled, status := srv.Canceled(vpsbgtest.RunningID); !canceled || status != "active" {
		t.Errorf("emulator: canceled %v status %q, want a pending cancellation on an active server", canceled, status)
	}
	if s, err := d.GetServer(t.Context(), vpsbgtest.RunningID); err != nil || s.Status != driver.StatusRunning {
		t.Errorf("after cancel(now=false): %+v, %v; want still running", s, err)
	}
	// The API refuses a second request; Destroy is never repeated blindly.
	if _, err := d.Destroy(t.Context(), vpsbgtest.RunningID); fault.ClassOf(err) != fault.Invalid {
		t.Errorf("second Destroy: %v, want invalid", err)
	}
	if n := srv.Count(http.MethodPost, detailsPath+"/cancel"); n != 2 {
		t.Errorf("%d cancel requests, want 2", n)
	}
	if _, err := d.Destroy(t.Context(), vpsbgtest.MissingID); fault.ClassOf(err) != fault.NotFound {
		t.Errorf("Destroy(missing): %v, want not_found", err)
	}
}

func TestDestroyNow(t *testing.T) {
	d, srv := newDriverWith(t, func(c *vpsbg.Config) { c.CancelNow = true })
	op, err := d.Destroy(t.Context(), vpsbgtest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(op.Description, "billing cancellation") || !strings.Contains(op.Description, "immediate: ") {
		t.Errorf("description %q does not say it is an immediate billing cancellation", op.Description)
	}
	prog := waitOp(t, op)
	if len(prog) == 0 || prog[len(prog)-1].Status != "suspended" {
		t.Errorf("progress %+v, want it to end suspended", prog)
	}
	if s, err := d.GetServer(t.Context(), vpsbgtest.RunningID); err != nil || s.Status != driver.StatusSuspended {
		t.Errorf("after cancel(now=true): %+v, %v; want suspended", s, err)
	}
	if _, status := srv.Canceled(vpsbgtest.RunningID); status != "suspended" {
		t.Errorf("emulator status %q, want suspended", status)
	}
}
