// Package app is the wiring both binaries share: configuration in, an open
// database, policy, audit log, approval store, providers and the command
// runner out.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/duty"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/policy"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/sqlite"
	"github.com/vpsops/vpsops/internal/store"
)

// App holds everything a binary needs to serve commands.
type App struct {
	Config    *config.Config
	DB        *store.DB
	Audit     *audit.Log
	Approvals *approval.Store
	Policy    *policy.Enforcer
	Fleet     *providers.Registry
	Runner    *commands.Runner
	Log       *slog.Logger
	// Duties elects this process for the jobs one process of those
	// sharing the database does (see internal/duty); nil for an
	// in-memory database, which nobody shares.
	Duties *duty.Elector

	stopCheckpoint func()
	presence       store.Presence  // nil for an in-memory database
	approvalWake   *store.Listener // PostgreSQL only: other replicas' approval changes
}

// Options are what a binary adds to the configuration.
type Options struct {
	Logger *slog.Logger
	Clock  func() time.Time
	// Metrics receives this App's figures (one per process); nil
	// measures nothing.
	Metrics *metrics.Metrics
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
	if a.DB, err = store.Open(ctx, cfg.Database, store.Options{SQLite: sqlite.Options{Synchronous: sync, ManualCheckpoint: true}}); err != nil {
		return nil, err
	}
	if a.DB.Engine() == store.SQLite {
		a.stopCheckpoint = sqlite.Checkpointer(a.DB.SQL(), time.Second, o.Logger)
	}
	instance, err := approval.NewInstance()
	if err != nil {
		return nil, err
	}
	if cfg.Database != ":memory:" {
		// Announced before the audit log notes anything as this process's.
		if a.presence, err = store.Announce(ctx, a.DB, instance); err != nil {
			return nil, err
		}
	} else {
		instance = "" // nobody else can see the database: nothing to note
	}
	if a.Audit, err = audit.Open(ctx, a.DB, audit.Options{HMACKey: []byte(cfg.Audit.HMACKey.Reveal()), Clock: o.Clock, Logger: o.Logger, Instance: instance, OnCommit: o.auditHook()}); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	if err = a.Audit.CheckWritable(ctx); err != nil {
		return nil, fmt.Errorf("audit log in %s: %w", a.DB, err)
	}
	if a.presence != nil {
		a.closeDangling(ctx)
	}
	if instance != "" {
		if a.Duties, err = duty.New(a.DB, instance, duty.Options{Logger: o.Logger, OnChange: o.dutyHook()}); err != nil {
			return nil, err
		}
	}
	if a.Approvals, err = approval.Open(ctx, a.DB, approval.Options{
		TTL: time.Duration(cfg.Approvals.TTL), ConfirmTTL: time.Duration(cfg.Approvals.ConfirmTTL), Clock: o.Clock,
		Instance: instance, Secret: []byte(cfg.Audit.HMACKey.Reveal()),
	}); err != nil {
		return nil, fmt.Errorf("approval store: %w", err)
	}
	if err = o.Metrics.CountApprovals(a.Approvals); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if a.DB.Engine() == store.Postgres {
		if a.approvalWake, err = store.Listen(ctx, a.DB, store.ChannelApprovals, o.Logger); err != nil {
			return nil, err
		}
	}
	if a.Policy, err = policy.New(policy.Options{ModelPath: cfg.Policy.Model, PolicyPath: cfg.Policy.Policy, Logger: o.Logger, Clock: o.Clock}); err != nil {
		return nil, &ConfigError{fmt.Errorf("policy: %w", err)}
	}
	if a.Fleet, err = buildFleet(ctx, cfg, a.DB, o); err != nil {
		return nil, &ConfigError{err}
	}
	a.Runner = commands.NewRunner(commands.Options{Sweeps: a.sweeps(),
		Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: a.Approvals, Logger: o.Logger, Clock: o.Clock,
		Observer: o.commandsObserver(),
	})
	return a, nil
}

// Background runs what a serving process keeps going until ctx ends: policy
// reloads and the approval watcher (expiry, interrupted executions,
// outcomes for requesters). The returned wait blocks until both have
// stopped (the watcher gives requests it is running up to grace): call it
// before Close, so nothing writes to a closed database.
//
// On SQLite the watcher polls every second. On PostgreSQL it is woken by
// each approval change, whichever replica made it (docs/deliveries.md),
// and polls every WokenPollInterval for the rest (expiry, a missed
// wake-up).
func (a *App) Background(ctx context.Context, grace time.Duration, notify func(commands.Notice)) (wait func()) {
	interval := time.Second
	if a.approvalWake != nil {
		interval = WokenPollInterval
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.Policy.Watch(ctx) }()
	go func() { defer wg.Done(); a.Runner.WatchWoken(ctx, interval, a.approvalWake.C(), grace, notify) }()
	if a.sweeps() != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.Duties.Run(ctx, SweeperDuty, func(ctx context.Context) { <-ctx.Done() })
		}()
	}
	return wg.Wait
}

// SweeperDuty is the duty of the process that expires overdue approval
// requests and marks interrupted ones.
const SweeperDuty = "sweeper"

// sweeps is the runner's Options.Sweeps: on PostgreSQL, whether this
// replica holds the sweeper duty. On SQLite every process sweeps, as
// before replicas: they share one host and one write lock, and a process
// that has been sweeping all along has watched that lock, which its
// judgement of interrupted requests relies on (see approval.Store.Sweep).
func (a *App) sweeps() func() bool {
	if a.Duties == nil || a.DB.Engine() != store.Postgres {
		return nil
	}
	return func() bool { return a.Duties.Held(SweeperDuty) }
}

// WokenPollInterval is the approval watcher's poll on PostgreSQL, where
// changes wake it: expiry is noticed within it.
const WokenPollInterval = 5 * time.Second

// closeDangling appends an interrupted record for each ungated command
// whose process ended before recording its outcome (see
// audit.CloseDangling). Failing that does not stop the start: the records
// stay as they are, to be closed by a later start.
func (a *App) closeDangling(ctx context.Context) {
	closed, err := a.Audit.CloseDangling(ctx, a.presence.Alive)
	for _, r := range closed {
		a.Log.Warn("closed an unfinished request of a process that ended", "seq", r.Seq,
			"principal", r.Principal, "command", r.Command, "target", r.Target)
	}
	if err != nil {
		a.Log.Warn("closing the unfinished requests of ended processes failed", "err", err)
	}
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
	errs = append(errs, a.approvalWake.Close())
	// Once the audit log is closed: this process owns its noted requests
	// until nothing more can be appended. Before the database: on
	// PostgreSQL the announcement is a connection of its pool.
	if a.presence != nil {
		errs = append(errs, a.presence.Close())
	}
	if a.DB != nil {
		errs = append(errs, a.DB.Close())
	}
	return errors.Join(errs...)
}
