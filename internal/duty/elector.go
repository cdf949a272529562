package duty

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// The lease figures of a production elector (see the package doc).
const (
	DefaultLease = 10 * time.Second
	DefaultRenew = 3 * time.Second
)

// Options tune an Elector; the zero value is the production one.
type Options struct {
	// Lease is how long a taken or renewed duty is held without another
	// renewal; DefaultLease when zero.
	Lease time.Duration
	// Renew is how often the holder renews and a candidate tries; when
	// zero, DefaultRenew with the default lease, else 3/10 of Lease. At
	// most a third of Lease, so the holder has two tries before it must
	// give up.
	Renew time.Duration
	// Clock stamps leases on SQLite (one host, one clock); time.Now when
	// nil. PostgreSQL stamps them with its own clock.
	Clock  func() time.Time
	Logger *slog.Logger
	// OnChange, when set, is told each time this process takes or gives
	// up a duty (a gauge of what it holds). It is called synchronously and
	// must return at once.
	OnChange func(duty string, held bool)
}

// Elector campaigns for duties on behalf of one process. It is safe for
// concurrent use; each duty is run by one Run at a time.
type Elector struct {
	db       *store.DB
	instance string
	lease    time.Duration
	renew    time.Duration
	sure     time.Duration // how long after sending a renewal the holder may count on it
	clock    func() time.Time
	log      *slog.Logger
	onChange func(string, bool)

	migrateMu sync.Mutex
	migrated  bool

	mu      sync.Mutex
	running map[string]bool // duties a Run campaigns for
	held    map[string]bool
}

// New makes the elector of the process named instance (unique among the
// processes sharing db, as approval.NewInstance names them). It touches
// the database only when Run campaigns.
func New(db *store.DB, instance string, o Options) (*Elector, error) {
	if db == nil || instance == "" {
		return nil, errors.New("duty elector: a database and an instance name are required")
	}
	if o.Lease == 0 {
		o.Lease = DefaultLease
	}
	if o.Renew == 0 {
		o.Renew = o.Lease * 3 / 10
	}
	if o.Lease < 0 || o.Renew <= 0 || o.Renew > o.Lease/3 {
		return nil, fmt.Errorf("duty elector: renewing every %v does not fit a lease of %v (at most a third of it)", o.Renew, o.Lease)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnChange == nil {
		o.OnChange = func(string, bool) {}
	}
	return &Elector{db: db, instance: instance, lease: o.Lease, renew: o.Renew, sure: o.Lease * 3 / 4,
		clock: o.Clock, log: o.Logger, onChange: o.OnChange,
		running: map[string]bool{}, held: map[string]bool{}}, nil
}

// Held reports whether this process holds duty name now: between taking
// it and the moment it can no longer be sure of it.
func (e *Elector) Held(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.held[name]
}

// Run campaigns for duty name until ctx ends, and runs fn while this
// process holds it. fn's context is cancelled as soon as the process can
// no longer be sure of holding the duty, and fn must then return within a
// quarter of a lease: after that another process may take over. If fn
// returns by itself, the duty is released for another process (or this
// one, a try later) to take. When ctx ends, Run cancels fn, waits for it
// and releases the duty at once.
//
// Running the same duty twice at once on one Elector is a programming
// error; Run panics.
func (e *Elector) Run(ctx context.Context, name string, fn func(ctx context.Context)) {
	e.enter(name)
	defer e.leave(name)
	defer e.release(name) // after any hold: fn has returned
	failing := false
	for ctx.Err() == nil {
		sent := time.Now()
		ok, err := e.try(ctx, name)
		switch {
		case err != nil && ctx.Err() == nil:
			if !failing {
				e.log.Warn("campaigning for a duty failed; trying again", "duty", name, "err", err)
			}
			failing = true
		case err == nil:
			failing = false
		}
		if ok {
			e.hold(ctx, name, sent, fn)
			e.release(name) // given up or stopped: let the next one in now
		}
		select {
		case <-ctx.Done():
		case <-time.After(e.renew):
		}
	}
}

// try is one campaign: the table made if need be, then take.
func (e *Elector) try(ctx context.Context, name string) (bool, error) {
	tctx, cancel := context.WithTimeout(ctx, e.renew)
	defer cancel()
	if err := e.migrate(tctx); err != nil {
		return false, err
	}
	return e.take(tctx, name)
}

// hold runs fn while the duty taken by the statement sent at sent is
// renewed, and returns once fn has returned.
func (e *Elector) hold(ctx context.Context, name string, sent time.Time, fn func(context.Context)) {
	work, stop := context.WithCancel(ctx)
	defer stop()
	var once sync.Once
	drop := func(why string) {
		once.Do(func() {
			e.set(name, false, why) // before fn hears of it: Held is false first
			stop()
		})
	}
	e.set(name, true, "")
	deadline := sent.Add(e.sure)
	watchdog := time.AfterFunc(time.Until(deadline), func() { drop("no renewal succeeded in time") })
	defer watchdog.Stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(work)
	}()
	tick := time.NewTicker(e.renew)
	defer tick.Stop()
	for work.Err() == nil {
		select {
		case <-work.Done():
		case <-done:
			drop("its work ended")
		case <-tick.C:
			sent := time.Now()
			rctx, cancel := context.WithDeadline(work, deadline)
			ok, err := e.take(rctx, name)
			cancel()
			switch {
			case work.Err() != nil:
			case err != nil:
				e.log.Warn("renewing a duty failed", "duty", name, "err", err)
			case !ok:
				drop("another process holds it")
			case watchdog.Stop():
				deadline = sent.Add(e.sure)
				watchdog.Reset(time.Until(deadline))
			}
		}
	}
	drop("stopping")
	<-done
}

func (e *Elector) set(name string, held bool, why string) {
	e.mu.Lock()
	e.held[name] = held
	e.mu.Unlock()
	if held {
		e.log.Info("took over duty "+name, "duty", name, "instance", e.instance)
	} else {
		e.log.Info("gave up duty "+name, "duty", name, "instance", e.instance, "why", why)
	}
	e.onChange(name, held)
}

func (e *Elector) enter(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running[name] {
		panic("duty: Run called twice at once for duty " + name)
	}
	e.running[name] = true
}

func (e *Elector) leave(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.running, name)
}
