package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ChannelApprovals is the notification channel of the approval feed: every
// transaction that appends an approval event notifies it, so that the
// watchers of other replicas read the feed at once rather than at their
// next poll.
const ChannelApprovals = "vpsops_approvals"

// Notify tells the listeners of channel that something changed, when tx
// commits: PostgreSQL delivers a notification made in a transaction at
// its commit, never if it rolls back, and several alike once. On SQLite
// it does nothing: every process on the file polls.
func (tx *Tx) Notify(ctx context.Context, channel string) error {
	if tx.db.engine != Postgres {
		return nil
	}
	if _, err := tx.raw.ExecContext(ctx, `SELECT pg_notify($1, '')`, channel); err != nil {
		return fmt.Errorf("notify %s: %w", channel, err)
	}
	return nil
}

// Listener wakes its reader when a channel is notified (see Tx.Notify).
// It holds a connection of its own, outside the pool (a pooled one would
// be recycled under it), and when that connection breaks (a failover, a
// terminated backend, a proxy's timeout) it connects again, with a backoff
// that doubles up to listenMaxBackoff. Notifications made while it was not
// listening are lost, so it wakes its reader after each (re)connection
// too: the reader catches up by reading what it watches.
type Listener struct {
	cfg      *pgx.ConnConfig
	channel  string
	log      *slog.Logger
	wake     chan struct{}
	onListen func(pid uint32) // tests: called once each connection listens

	cancel context.CancelFunc
	done   chan struct{}
}

const (
	listenMinBackoff = 100 * time.Millisecond
	listenMaxBackoff = 30 * time.Second
)

// Listen starts listening to channel on db, a PostgreSQL database, with
// the pool's own connection settings, until Close. log may be nil.
func Listen(ctx context.Context, db *DB, channel string, log *slog.Logger) (*Listener, error) {
	return listen(ctx, db, channel, log, nil)
}

func listen(ctx context.Context, db *DB, channel string, log *slog.Logger, onListen func(uint32)) (*Listener, error) {
	if db.engine != Postgres {
		return nil, errors.New("listen for database notifications: only PostgreSQL has them")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := connConfig(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("listen for database notifications on %s: %w", db.where, err)
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l := &Listener{cfg: cfg, channel: channel, log: log, wake: make(chan struct{}, 1), onListen: onListen,
		cancel: cancel, done: make(chan struct{})}
	go l.run(run)
	return l, nil
}

// connConfig is the configuration the pool connects with, taken from one
// of its connections (the pool does not keep it).
func connConfig(ctx context.Context, db *DB) (*pgx.ConnConfig, error) {
	conn, err := db.raw.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var cfg *pgx.ConnConfig
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("the pool's driver connection is a %T, not pgx's", dc)
		}
		cfg = c.Conn().Config().Copy()
		return nil
	})
	return cfg, err
}

// C is woken (at most one wake-up pending) when the channel was notified,
// and after each (re)connection. A nil Listener's C is nil: it never
// wakes, and a select on it waits for its other cases.
func (l *Listener) C() <-chan struct{} {
	if l == nil {
		return nil
	}
	return l.wake
}

// Close stops listening and closes the connection.
func (l *Listener) Close() error {
	if l == nil {
		return nil
	}
	l.cancel()
	<-l.done
	return nil
}

func (l *Listener) run(ctx context.Context) {
	defer close(l.done)
	backoff := listenMinBackoff
	for {
		listened, err := l.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if listened {
			backoff = listenMinBackoff // it worked a while: a fresh failure
		}
		l.log.Warn("listening for database notifications failed; reconnecting", "channel", l.channel, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, listenMaxBackoff)
	}
}

// session connects, listens and wakes the reader for each notification
// until the connection fails or ctx ends. listened says it got as far as
// listening.
func (l *Listener) session(ctx context.Context) (listened bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		return false, err
	}
	l.signal() // what was notified while nobody listened is caught up on
	if l.onListen != nil {
		l.onListen(conn.PgConn().PID())
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true, err
		}
		l.signal()
	}
}

func (l *Listener) signal() {
	select {
	case l.wake <- struct{}{}:
	default: // one is pending already: the reader reads everything anyway
	}
}
