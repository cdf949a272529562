// Package app is the wiring both binaries share: configuration in, an open
// database, policy, audit log, approval store, providers and the command
// runner out.
package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/policy"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/sqlite"
)

// App holds everything a binary needs to serve commands.
type App struct {
	Config    *config.Config
	DB        *sql.DB
	Audit     *audit.Log
	Approvals *approval.Store
	Policy    *policy.Enforcer
	Fleet     *providers.Registry
	Runner    *commands.Runner
	Log       *slog.Logger

	stopCheckpoint func()
}

// Options are what a binary adds to the configuration.
type Options struct {
	Logger *slog.Logger
	Clock  func() time.Time
}

// ConfigError is a failure caused by the configuration (a policy file that
// does not load, a provider that refuses its settings), as opposed to the
// environment (the database cannot be opened). Binaries exit with status 2
// for it, as for any bad configuration.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Open builds an App from cfg. On error everything opened so far is closed.
func Open(ctx context.Context, cfg *config.Config, o Options) (_ *App, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	a := &App{Config: cfg, Log: o.Logger}
	defer func() {
		// a, not the result: "return nil, err" has already set that to nil.
		if err != nil {
			a.Close()
		}
	}()
	sync := sqlite.SyncNormal
	if cfg.Audit.Synchronous == "FULL" {
		sync = sqlite.SyncFull
	}
	if a.DB, err = sqlite.Open(ctx, cfg.Database, sqlite.Options{Synchronous: sync, ManualCheckpoint: true}); err != nil {
		return nil, err
	}
	a.stopCheckpoint = sqlite.Checkpointer(a.DB, time.Second, o.Logger)
	if a.Audit, err = audit.Open(ctx, a.DB, audit.Options{HMACKey: []byte(cfg.Audit.HMACKey.Reveal()), Clock: o.Clock, Logger: o.Logger}); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	if err = a.Audit.CheckWritable(ctx); err != nil {
		return nil, fmt.Errorf("audit log in %s: %w", cfg.Database, err)
	}
	if a.Approvals, err = approval.Open(ctx, a.DB, approval.Options{
		TTL: time.Duration(cfg.Approvals.TTL), ConfirmTTL: time.Duration(cfg.Approvals.ConfirmTTL), Clock: o.Clock,
		Secret: []byte(cfg.Audit.HMACKey.Reveal()),
	}); err != nil {
		return nil, fmt.Errorf("approval store: %w", err)
	}
	if a.Policy, err = policy.New(policy.Options{ModelPath: cfg.Policy.Model, PolicyPath: cfg.Policy.Policy, Logger: o.Logger, Clock: o.Clock}); err != nil {
		return nil, &ConfigError{fmt.Errorf("policy: %w", err)}
	}
	if a.Fleet, err = buildFleet(ctx, cfg, a.DB, o); err != nil {
		return nil, &ConfigError{err}
	}
	a.Runner = commands.NewRunner(commands.Options{
		Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: a.Approvals, Logger: o.Logger, Clock: o.Clock,
	})
	return a, nil
}

// Background runs what a serving process keeps going until ctx ends: policy
// reloads and the approval watcher (expiry, interrupted executions,
// outcomes for requesters). The returned wait blocks until both have
// stopped (the watcher gives requests it is running up to grace): call it
// before Close, so nothing writes to a closed database.
func (a *App) Background(ctx context.Context, grace time.Duration, notify func(commands.Notice)) (wait func()) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.Policy.Watch(ctx) }()
	go func() { defer wg.Done(); a.Runner.Watch(ctx, time.Second, grace, notify) }()
	return wg.Wait
}

// Close flushes the audit log and closes the database.
func (a *App) Close() error {
	var errs []error
	if a.Audit != nil {
		errs = append(errs, a.Audit.Close())
	}
	if a.stopCheckpoint != nil {
		a.stopCheckpoint()
	}
	if a.DB != nil {
		errs = append(errs, a.DB.Close())
	}
	return errors.Join(errs...)
}
