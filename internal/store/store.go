// Package store opens the one database every component of a process
// shares (approvals, audit, posted messages, deliveries, MCP nonces, the
// demo fleet), on either engine: SQLite, a file, by default; PostgreSQL
// when the configured database is a postgres:// URL, for several replicas.
//
// Components write their SQL once, in the dialect both engines accept,
// with "?" placeholders; DB rebinds them to PostgreSQL's "$1" form. Where
// the engines truly differ (schema types, locks, the change feed's
// ordering), a component asks Engine and says both.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// Engine is the kind of database behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// EngineOf tells which engine a configured database names: a postgres://
// or postgresql:// URL is PostgreSQL, anything else an SQLite file.
func EngineOf(database string) Engine {
	lower := strings.ToLower(database)
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// DB is a pool of connections to one database. It is safe for concurrent
// use; the methods named after database/sql's behave as those do, after
// rebinding the query's placeholders for the engine.
type DB struct {
	raw    *sql.DB
	engine Engine
	where  string // the file, or the URL without its password: for messages

	rebound sync.Map // query -> query with $n placeholders (PostgreSQL only)

	mu       sync.Mutex
	migrated map[string]int // component -> versions this process knows (see Ready)
}

// Wrap makes a DB of a pool opened elsewhere (tests that need SQLite
// options the configuration does not offer).
func Wrap(raw *sql.DB, engine Engine, where string) *DB {
	return &DB{raw: raw, engine: engine, where: where, migrated: map[string]int{}}
}

// Engine is the kind of database.
func (db *DB) Engine() Engine { return db.engine }

// SQL is the pool itself, for engine-specific work that placeholders
// rebinding would not suit (LISTEN, session locks, the SQLite checkpoint).
func (db *DB) SQL() *sql.DB { return db.raw }

// String names the database for messages: the SQLite file, or the
// PostgreSQL URL without its password.
func (db *DB) String() string { return db.where }

// Q returns q with its placeholders in the engine's form.
func (db *DB) Q(q string) string {
	if db.engine != Postgres {
		return q
	}
	if v, ok := db.rebound.Load(q); ok {
		return v.(string)
	}
	r := rebind(q)
	db.rebound.Store(q, r)
	return r
}

func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.raw.ExecContext(ctx, db.Q(q), args...)
}

func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.raw.QueryContext(ctx, db.Q(q), args...)
}

func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.raw.QueryRowContext(ctx, db.Q(q), args...)
}

func (db *DB) PingContext(ctx context.Context) error { return db.raw.PingContext(ctx) }

// Close closes the pool.
func (db *DB) Close() error { return db.raw.Close() }

// BeginTx starts a transaction. On SQLite it takes the database's write
// lock at once (BEGIN IMMEDIATE) unless opts is read-only; on PostgreSQL it
// takes no lock: a writer that must run alone says so with Lock.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	tx, err := db.raw.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Tx{raw: tx, db: db}, nil
}

// Snapshot starts a read-only transaction in which every statement sees
// the same state of the database: SQLite's deferred transaction does so
// by itself, PostgreSQL needs REPEATABLE READ (its default, READ
// COMMITTED, takes a new snapshot per statement).
func (db *DB) Snapshot(ctx context.Context) (*Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return db.BeginTx(ctx, opts)
}

// Tx is a transaction on a DB.
type Tx struct {
	raw *sql.Tx
	db  *DB
}

func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.raw.ExecContext(ctx, tx.db.Q(q), args...)
}

func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.raw.QueryContext(ctx, tx.db.Q(q), args...)
}

func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.raw.QueryRowContext(ctx, tx.db.Q(q), args...)
}

func (tx *Tx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.raw.PrepareContext(ctx, tx.db.Q(q))
}

func (tx *Tx) Commit() error   { return tx.raw.Commit() }
func (tx *Tx) Rollback() error { return tx.raw.Rollback() }

// Lock serializes this transaction against every other transaction that
// takes the same lock, until it ends: a PostgreSQL advisory transaction
// lock. On SQLite it does nothing: the transaction already holds the
// database's one write lock.
func (tx *Tx) Lock(ctx context.Context, l LockID) error {
	if tx.db.engine != Postgres {
		return nil
	}
	if _, err := tx.raw.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(l)); err != nil {
		return fmt.Errorf("take the %s lock: %w", l, err)
	}
	return nil
}

// rebind turns each "?" outside quotes into $1, $2, ...
func rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
