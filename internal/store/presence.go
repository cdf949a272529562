package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/sqlite"
)

// Presence tells the processes sharing one database which of them are
// alive, exactly and at once, however a process ended (see
// audit.CloseDangling, which must never take a live process's work for
// dead).
type Presence interface {
	// Alive reports whether the process that announced instance still
	// runs. When in doubt it says yes.
	Alive(instance string) bool
	// Close withdraws the announcement.
	Close() error
}

// Announce marks instance as alive until Close. On SQLite it is a file
// lock beside the database (every process is on one machine); on
// PostgreSQL a session advisory lock held by a connection of its own,
// which the server drops the moment that connection ends: a replica
// killed on another node is known dead as soon as its TCP connection is.
func Announce(ctx context.Context, db *DB, instance string) (Presence, error) {
	if db.engine != Postgres {
		return sqlite.Announce(db.where, instance)
	}
	if instance == "" {
		return nil, errors.New("announce process: empty instance name")
	}
	p := &pgPresence{db: db, instance: instance, stop: make(chan struct{}), done: make(chan struct{})}
	if err := p.lock(ctx); err != nil {
		return nil, fmt.Errorf("announce process: %w", err)
	}
	go p.keep()
	return p, nil
}

// presenceClass is the first key of every presence lock: the two-key
// advisory locks are a key space apart from the one-key LockIDs.
const presenceClass = 0x7670736f

func presenceKey(instance string) int32 {
	h := sha256.Sum256([]byte(instance))
	return int32(binary.BigEndian.Uint32(h[:4]))
}

type pgPresence struct {
	db       *DB
	instance string
	stop     chan struct{}
	done     chan struct{}

	mu   sync.Mutex
	conn *sql.Conn // holds the lock; nil while it is being taken again
}

func (p *pgPresence) lock(ctx context.Context) error {
	conn, err := p.db.raw.Conn(ctx)
	if err != nil {
		return err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, presenceClass, presenceKey(p.instance)).Scan(&got); err != nil {
		conn.Close()
		return err
	}
	if !got {
		conn.Close()
		return fmt.Errorf("instance %s is already alive", p.instance)
	}
	p.mu.Lock()
	p.conn = conn
	p.mu.Unlock()
	return nil
}

// keep checks the lock's connection now and then and, if it broke (the
// server restarted, a proxy cut it), announces again on a new one.
func (p *pgPresence) keep() {
	defer close(p.done)
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		p.mu.Lock()
		conn := p.conn
		p.mu.Unlock()
		if conn == nil || conn.PingContext(ctx) != nil {
			if conn != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn }) // discard, do not pool
				conn.Close()
			}
			p.mu.Lock()
			p.conn = nil
			p.mu.Unlock()
			p.lock(ctx) // failing, it is tried again at the next tick
		}
		cancel()
	}
}

func (p *pgPresence) Alive(instance string) bool {
	if instance == p.instance {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var held bool
	err := p.db.raw.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
		AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 2 AND granted)`,
		int64(uint32(presenceClass)), int64(uint32(presenceKey(instance)))).Scan(&held)
	return err != nil || held
}

func (p *pgPresence) Close() error {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		return nil
	}
	// Closing returns the connection to the pool, still holding the
	// lock: unlock first.
	_, err := p.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, presenceClass, presenceKey(p.instance))
	p.conn.Close()
	p.conn = nil
	return err
}
