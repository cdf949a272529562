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

func (harness) MakeDriver(_ context.Context, t *testing.T) driver.Driver {
	d, _ := newDriver(t)
	return d
}

func (harness) Fixtures() drivertest.Fixtures {
	return drivertest.Fixtures{
		RunningID: vpsbgtest.RunningID,
		StoppedID: vpsbgtest.StoppedID,
		MissingID: vpsbgtest.MissingID,
		ImageID:   vpsbgtest.ImageID,
		IP:        vpsbgtest.RunningIP,
		// VPSBG's destroy is a billing cancellation: by default the server
		// runs on until its paid period ends (destroy_test.go has details).
		DestroyCancels: true,
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
