package app

import (
	"context"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/store"
)

// buildFleet makes one Provider per configured instance.
func buildFleet(ctx context.Context, cfg *config.Config, db *store.DB, o Options) (*providers.Registry, error) {
	var demoStore demo.Store
	var ps []*providers.Provider
	for i, pc := range cfg.Providers {
		var d driver.Driver
		switch pc.Type {
		case config.TypeDemo:
			if demoStore == nil {
				// The demo fleet lives in the database, so every process
				// sharing it (a second terminal, the MCP server) sees
				// the same servers.
				s, err := demo.NewDBStore(ctx, db)
				if err != nil {
					return nil, fmt.Errorf("providers[%d] (%s): %w", i, pc.Name, err)
				}
				demoStore = s
			}
			d = demo.New(demo.Config{Name: pc.Name, Speed: demoDelayScale(cfg, pc), Clock: o.Clock, Store: demoStore})
		default:
			var err error
			if d, err = openDriver(pc, o); err != nil {
				return nil, fmt.Errorf("providers[%d] (%s): %w", i, pc.Name, err)
			}
		}
		ps = append(ps, providers.New(pc.Name, pc.Type, d, providers.Options{Timeout: time.Duration(pc.Timeout), Logger: o.Logger, Observer: o.providersObserver()}))
	}
	reg, err := providers.NewRegistry(ps...)
	if err != nil {
		return nil, err
	}
	reg.SetAliases(cfg.Aliases)
	return reg, nil
}

// demoDelayScale turns the configured speed (2 = twice as fast) into the
// demo driver's delay scale (0.5). A speed of 1000 or more is instant,
// which is what tests use.
func demoDelayScale(cfg *config.Config, pc config.Provider) float64 {
	var speed float64
	if s, ok := pc.Section().(*demo.Settings); ok {
		speed = s.Speed
	}
	if speed <= 0 {
		speed = cfg.Demo.Speed
	}
	if speed <= 0 {
		speed = 1
	}
	if speed >= 1000 {
		return 0
	}
	return 1 / speed
}
