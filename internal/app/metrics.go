package app

import (
	"context"
	"errors"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/providers"
)

// The observers each layer takes, from Options.Metrics: nil ones when it
// is nil (a nil *Metrics in an interface would not be), so an App that
// measures nothing pays nothing.

func (o Options) auditHook() func(int, time.Duration) {
	if o.Metrics == nil {
		return nil
	}
	return o.Metrics.AuditCommitted
}

func (o Options) dutyHook() func(string, bool) {
	if o.Metrics == nil {
		return nil
	}
	return o.Metrics.SetDuty
}

func (o Options) commandsObserver() commands.Observer {
	if o.Metrics == nil {
		return nil
	}
	return o.Metrics
}

func (o Options) providersObserver() providers.Observer {
	if o.Metrics == nil {
		return nil
	}
	return o.Metrics
}

// Ready is the readiness check the binaries serve at /readyz: the
// database answers and holds every migration this process knows (a
// replica pointed at a restored old backup, or at a database another
// replica's rollback emptied, is not ready). The cause goes to the log;
// the answer names only what failed, since anyone who reaches the port
// reads it.
func (a *App) Ready(ctx context.Context) error {
	if err := a.DB.PingContext(ctx); err != nil {
		a.Log.Warn("not ready: the database does not answer", "err", err)
		return errors.New("the database does not answer")
	}
	if err := a.DB.Ready(ctx); err != nil {
		a.Log.Warn("not ready", "err", err)
		return errors.New("the database's migrations are not current")
	}
	return nil
}
