// Package demo is a simulated provider, so that vpsops runs with no
// accounts: every capability, realistic delays, state transitions that
// take time, and the failures a real provider gives (wrong state, busy,
// unknown image, foreign IP).
//
// Transitions are lazy: a server stores its settled state plus at most one
// pending transition with start and end times, and every read computes the
// current state from the clock. Nothing runs in the background, and with
// the SQLite store two processes sharing a database see one fleet.
package demo

import (
	"context"
	"errors"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Config describes one demo provider instance.
type Config struct {
	// Name is the instance name ("demo-fra"); it selects the seeded fleet
	// and keys the stored state. Default "demo".
	Name string
	// Region is shown on servers and in the display name; default: the
	// part of Name after its last '-' ("fra"), or "lab".
	Region string
	// Speed scales every delay: 1 is realistic (a reinstall takes 30 s),
	// 0 (the zero value) finishes transitions at once.
	Speed float64
	// Clock is the time source; default time.Now.
	Clock func() time.Time
	// Store keeps the fleet; nil keeps it in memory for this Driver.
	Store Store
}

// Driver is the demo provider. It implements driver.Driver, every
// capability interface and driver.Describer, and is safe for concurrent use.
type Driver struct {
	name   string
	region string
	speed  float64
	clock  func() time.Time
	store  Store

	seedMu sync.Mutex
	seeded bool
}

// New returns a demo driver for c.
func New(c Config) *Driver {
	if c.Name == "" {
		c.Name = "demo"
	}
	if c.Region == "" {
		c.Region = "lab"
		if i := strings.LastIndexByte(c.Name, '-'); i >= 0 && i < len(c.Name)-1 {
			c.Region = c.Name[i+1:]
		}
	}
	c.Region = strings.ToLower(c.Region)
	if c.Speed < 0 {
		c.Speed = 0
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Store == nil {
		c.Store = NewMemoryStore()
	}
	return &Driver{name: c.Name, region: c.Region, speed: c.Speed, clock: c.Clock, store: c.Store}
}

// DisplayName implements driver.Describer: "Demo (FRA)".
func (d *Driver) DisplayName() string { return "Demo (" + strings.ToUpper(d.region) + ")" }

// Instead implements driver.Describer. The demo lacks no capability.
func (d *Driver) Instead(driver.Capability) string { return "" }

// durations of the simulated actions at Speed 1.
func baseDuration(kind string) time.Duration {
	switch kind {
	case string(driver.PowerStart):
		return 3 * time.Second
	case string(driver.PowerStop):
		return 4 * time.Second
	case string(driver.PowerReboot):
		return 5 * time.Second
	case string(driver.PowerOff):
		return 1 * time.Second
	case string(driver.PowerHardReset):
		return 2 * time.Second
	case kindReinstall:
		return 30 * time.Second
	case kindDestroy:
		return 3 * time.Second
	case kindSnapshot:
		return 6 * time.Second
	}
	return time.Second
}

func (d *Driver) duration(kind string) time.Duration {
	return time.Duration(float64(baseDuration(kind)) * d.speed)
}

// pollInterval is how often an Operation looks at the server: a second at
// Speed 1, scaled, never below 10 ms.
func (d *Driver) pollInterval() time.Duration {
	return max(time.Duration(float64(time.Second)*d.speed), 10*time.Millisecond)
}

// view calls fn with the fleet as it is now (transitions that ended are
// applied to the copy fn gets, not stored).
func (d *Driver) view(ctx context.Context, fn func(f *Fleet, now time.Time) error) error {
	if err := d.ensureSeeded(ctx); err != nil {
		return err
	}
	err := d.store.View(ctx, d.name, func(f *Fleet) error {
		now := d.clock()
		f.settle(now)
		return fn(f, now)
	})
	return d.storeErr(ctx, err)
}

// update calls fn with the fleet as it is now and stores the result,
// ended transitions included.
func (d *Driver) update(ctx context.Context, fn func(f *Fleet, now time.Time) error) error {
	if err := d.ensureSeeded(ctx); err != nil {
		return err
	}
	err := d.store.Update(ctx, d.name, func(f *Fleet) error {
		now := d.clock()
		f.settle(now)
		return fn(f, now)
	})
	return d.storeErr(ctx, err)
}

// server returns id from f or the NotFound error.
func server(f *Fleet, id string) (*ServerState, error) {
	s := f.Servers[id]
	if s == nil {
		return nil, fault.Errorf(fault.NotFound, "no such server")
	}
	return s, nil
}

// ensureSeeded creates the instance's starting fleet the first time any
// process uses it; the Seeded mark keeps a fleet emptied by destroys empty.
func (d *Driver) ensureSeeded(ctx context.Context) error {
	d.seedMu.Lock()
	defer d.seedMu.Unlock()
	if d.seeded {
		return nil
	}
	err := d.store.Update(ctx, d.name, func(f *Fleet) error {
		if !f.Seeded {
			seed(f, d.name, d.region, d.clock())
		}
		return nil
	})
	if err != nil {
		return d.storeErr(ctx, err)
	}
	d.seeded = true
	return nil
}

// storeErr classifies a failure: a driver error from fn passes through, a
// context that ended is Unavailable, anything else from the store Internal.
func (d *Driver) storeErr(ctx context.Context, err error) error {
	var e *fault.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return err
	case ctx.Err() != nil:
		return &fault.Error{Class: fault.Unavailable, Message: "canceled: " + ctx.Err().Error(), Err: err}
	}
	return &fault.Error{Class: fault.Internal, Message: "demo state store failed", Err: err}
}

// hash32 derives stable numbers from names.
func hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// The demo implements every capability; these fail to compile if one drifts.
var (
	_ driver.Driver          = (*Driver)(nil)
	_ driver.PowerController = (*Driver)(nil)
	_ driver.Reinstaller     = (*Driver)(nil)
	_ driver.Destroyer       = (*Driver)(nil)
	_ driver.Consoler        = (*Driver)(nil)
	_ driver.ISOMounter      = (*Driver)(nil)
	_ driver.PTRManager      = (*Driver)(nil)
	_ driver.Snapshotter     = (*Driver)(nil)
	_ driver.Describer       = (*Driver)(nil)
)
