package suble_test

import (
	"context"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/drivertest"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// harness runs the suite against a fresh emulator per subtest.
type harness struct{ login bool }

func (h harness) MakeDriver(_ context.Context, t *testing.T) driver.Driver {
	srv := newEmu(t)
	if h.login {
		return newDriver(t, srv, withLogin)
	}
	return newDriver(t, srv)
}

func (harness) Fixtures() drivertest.Fixtures {
	return drivertest.Fixtures{
		RunningID: subletest.RunningID,
		StoppedID: subletest.StoppedID,
		MissingID: "vm_zzz999",
		ImageID:   "debian-12",
		IP:        subletest.RunningIP,
		// Suble rebuilds only stopped VMs (TestReinstallRunningConflict
		// covers the refusal), so the suite reinstalls the stopped one.
		ReinstallID: subletest.StoppedID,
	}
}

func (harness) Settle(context.Context, *testing.T, driver.Driver) {}

func TestConformanceToken(t *testing.T) { drivertest.Run(t, harness{}) }
func TestConformanceLogin(t *testing.T) { drivertest.Run(t, harness{login: true}) }

// TestCapabilities pins what the driver offers and the advice for the rest.
func TestCapabilities(t *testing.T) {
	d := newDriver(t, newEmu(t))
	got := driver.Capabilities(d)
	want := []driver.Capability{driver.CapPower, driver.CapImages, driver.CapReinstall, driver.CapConsole, driver.CapLogin}
	if len(got) != len(want) {
		t.Fatalf("capabilities %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("capabilities %v, want %v", got, want)
		}
	}
	for _, c := range []driver.Capability{driver.CapDestroy, driver.CapISO, driver.CapPTR, driver.CapSnapshots, driver.CapSnapshot} {
		if d.Instead(c) == "" {
			t.Errorf("no advice for missing capability %s", c)
		}
	}
	if driver.SupportsPower(d, driver.PowerHardReset) {
		t.Error("hard reset listed, but Suble has none")
	}
}
