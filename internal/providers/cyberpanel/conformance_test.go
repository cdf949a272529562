package cyberpanel_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/drivertest"
)

// harness runs the conformance suite against a fresh emulator per
// driver. Rate limits are off on both sides here (the suite makes more
// than 60 requests a minute in real time); ratelimit_test.go covers them.
type harness struct{}

func (harness) MakeDriver(_ context.Context, t *testing.T) driver.Driver {
	srv := newEmu(t, cyberpaneltest.WithRateLimits(0, 0))
	return newDriver(t, srv, func(c *cyberpanel.Config) { c.RateLimitPerMinute, c.RateLimitPerHour = -1, -1 })
}

func (harness) Fixtures() drivertest.Fixtures {
	return drivertest.Fixtures{
		RunningID: strconv.Itoa(cyberpaneltest.RunningID),
		StoppedID: strconv.Itoa(cyberpaneltest.StoppedID),
		MissingID: strconv.Itoa(cyberpaneltest.MissingID),
		ImageID:   "9000", // Ubuntu 22.04, a documented template id
		IP:        cyberpaneltest.RunningIP,
	}
}

// Settle does nothing: operations poll the emulator, which finishes a
// power action after a few reads.
func (harness) Settle(context.Context, *testing.T, driver.Driver) {}

func TestConformance(t *testing.T) { drivertest.Run(t, harness{}) }
