package edis_test

import (
	"context"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/drivertest"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// harness runs the conformance suite against a fresh emulator per driver;
// actions take two polls, which the driver waits out at 1 ms intervals.
type harness struct{}

func (harness) MakeDriver(_ context.Context, t *testing.T) driver.Driver {
	return newEnv(t, nil, edistest.WithSteps(2)).d
}

func (harness) Fixtures() drivertest.Fixtures {
	return drivertest.Fixtures{
		RunningID: edistest.RunningID,
		StoppedID: edistest.StoppedID,
		MissingID: edistest.MissingID,
		ImageID:   edistest.Image,
		ISO:       edistest.ISO,
		IP:        edistest.RunningIP,
	}
}

func (harness) Settle(context.Context, *testing.T, driver.Driver) {}

func TestConformance(t *testing.T) { drivertest.Run(t, harness{}) }
