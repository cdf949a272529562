package duty

import (
	"context"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// migrations create the lease table. until is nanoseconds since the Unix
// epoch on the referee clock (see the package doc).
var migrations = store.Migrations{
	SQLite: []string{`CREATE TABLE duties (
		name   TEXT PRIMARY KEY,
		holder TEXT NOT NULL,
		until  INTEGER NOT NULL)`},
	Postgres: []string{`CREATE TABLE duties (
		name   TEXT PRIMARY KEY,
		holder TEXT NOT NULL,
		until  BIGINT NOT NULL)`},
}

// pgNow is the PostgreSQL server's clock in nanoseconds, read when the
// statement runs.
const pgNow = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000000)::BIGINT`

// take takes duty name for lease, or renews it, in one statement: a new
// row, or one this instance holds, or one whose lease lapsed. It reports
// whether this instance holds the duty now.
func (e *Elector) take(ctx context.Context, name string) (bool, error) {
	var (
		q    string
		args []any
	)
	if e.db.Engine() == store.Postgres {
		q = `INSERT INTO duties (name, holder, until) VALUES (?, ?, ` + pgNow + ` + ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE duties.holder = excluded.holder OR duties.until <= ` + pgNow
		args = []any{name, e.instance, int64(e.lease)}
	} else {
		now := e.clock()
		q = `INSERT INTO duties (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE duties.holder = excluded.holder OR duties.until <= ?`
		args = []any{name, e.instance, now.Add(e.lease).UnixNano(), now.UnixNano()}
	}
	res, err := e.db.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("take duty %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take duty %s: %w", name, err)
	}
	return n == 1, nil
}

// release gives duty name up at once if this instance holds it, so the
// next candidate need not wait for the lease to lapse.
func (e *Elector) release(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if _, err := e.db.ExecContext(ctx, `DELETE FROM duties WHERE name = ? AND holder = ?`, name, e.instance); err != nil {
		// The lease lapses by itself: the next holder only waits longer.
		e.log.Warn("releasing a duty failed; it lapses by itself", "duty", name, "err", err)
	}
}

// releaseTimeout bounds the release at a clean stop.
const releaseTimeout = 5 * time.Second

// migrate creates the table on first use; a failure is tried again at the
// next campaign.
func (e *Elector) migrate(ctx context.Context) error {
	e.migrateMu.Lock()
	defer e.migrateMu.Unlock()
	if e.migrated {
		return nil
	}
	if err := store.Migrate(ctx, e.db, "duty", migrations); err != nil {
		return fmt.Errorf("duties table: %w", err)
	}
	e.migrated = true
	return nil
}
