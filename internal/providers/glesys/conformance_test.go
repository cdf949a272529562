package glesys_test

import (
	"context"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/drivertest"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// harness runs the conformance suite against a fresh emulator per driver.
// Transitions take the emulator's default two polls, so operations report
// progress before they end.
type harness struct{}

func (harness) MakeDriver(_ context.Context, t *testing.T) driver.Driver {
	return newDriver(t, newEmulator(t))
}

func (harness) Fixtures() drivertest.Fixtures {
	return drivertest.Fixtures{
		RunningID: glesystest.RunningID,
		StoppedID: glesystest.StoppedID,
		MissingID: glesystest.MissingID,
		ISO:       glesystest.ISOFile,
		ImageID:   glesystest.TemplateID,
		IP:        glesystest.RunningIPv4,
	}
}

// Settle does nothing: operations poll the emulator until it is done.
func (harness) Settle(context.Context, *testing.T, driver.Driver) {}

func TestConformance(t *testing.T) { drivertest.Run(t, harness{}) }
