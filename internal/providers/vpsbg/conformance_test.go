package vpsbg_test

import (
	"context"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/drivertest"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// harness runs the conformance suite against a fresh emulator per driver.
type harness struct{}

// suiteView is the driver as the suite sees it: every capability except
// Destroyer. VPSBG's destroy is a billing cancellation — by default the
// server keeps running until its paid period ends — while the suite's
// Destroy test expects the server to be gone at once, which no honest
// VPSBG driver can show. Destroy is tested in destroy_test.go instead.
type suiteView struct {
	driver.Driver
	driver.PowerController
	driver.Reinstaller
	driver.PTRManager
	driver.SnapshotLister
	driver.Describer
}

func (harness) MakeDriver(_ context.Context, t *testing.T) driver.Driver {
	d, _ := newDriver(t)
	return suiteView{d, d, d, d, d, d}
}

func (harness) Fixtures() drivertest.Fixtures {
	return drivertest.Fixtures{
		RunningID: vpsbgtest.RunningID,
		StoppedID: vpsbgtest.StoppedID,
		MissingID: vpsbgtest.MissingID,
		ImageID:   vpsbgtest.ImageID,
		IP:        vpsbgtest.RunningIP,
	}
}

// Settle does nothing: Operation.Wait polls the emulator, whose
// transitions advance with each read.
func (harness) Settle(context.Context, *testing.T, driver.Driver) {}

func TestConformance(t *testing.T) { drivertest.Run(t, harness{}) }

// newDriver starts an emulator and points a fast-polling driver at it.
func newDriver(t *testing.T, opts ...vpsbgtest.Option) (*vpsbg.Driver, *vpsbgtest.Server) {
	t.Helper()
	return newDriverWith(t, func(*vpsbg.Config) {}, opts...)
}

func newDriverWith(t testing.TB, edit func(*vpsbg.Config), opts ...vpsbgtest.Option) (*vpsbg.Driver, *vpsbgtest.Server) {
	t.Helper()
	srv := vpsbgtest.New(opts...)
	t.Cleanup(srv.Close)
	cfg := vpsbg.NewDefaultConfig()
	cfg.Token = vpsbgtest.DefaultWriteToken
	cfg.BaseURL = srv.URL
	cfg.PollInterval = time.Millisecond
	edit(&cfg)
	d, err := vpsbg.New(cfg)
	if err != nil {
		t.Fatalf("vpsbg.New: %v", err)
	}
	return d, srv
}
