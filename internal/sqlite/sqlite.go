// Package sqlite opens the one SQLite database that holds the audit trail and
// the approval requests, with the pragmas every process must agree on
// (store.Open uses it; store.Migrate applies each component's migrations).
//
// The bot and the MCP server may open the same file at once: WAL mode lets
// readers run beside one writer, and busy_timeout makes a writer wait for the
// other process's write lock instead of failing with SQLITE_BUSY.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go, no cgo)
)

// Synchronous is the durability level. NORMAL (the default) in WAL mode never
// corrupts the database; a power loss may lose the last transactions, an
// application crash loses nothing. FULL also survives power loss, at an
// eighth to two fifths of a single committer's rate on our machines (see
// docs/benchmarks.md).
type Synchronous string

const (
	SyncNormal Synchronous = "NORMAL"
	SyncFull   Synchronous = "FULL"
)

// Options tunes Open.
type Options struct {
	Synchronous Synchronous // default SyncNormal
	// MaxOpenConns bounds the pool; default 8.
	MaxOpenConns int
	// ManualCheckpoint turns SQLite's automatic WAL checkpoint off. The
	// caller must then run Checkpointer, or the WAL grows without bound.
	// Worth it for a busy writer: the automatic checkpoint runs inside
	// whichever commit crosses the threshold, stalling it and every
	// commit queued behind it (p99 8-11 ms -> 2 ms in our benchmarks).
	ManualCheckpoint bool
	// BusyTimeout is how long a statement waits for another connection's
	// lock before failing with SQLITE_BUSY; default DefaultBusyTimeout.
	// Tests shorten it to provoke SQLITE_BUSY quickly.
	BusyTimeout time.Duration
}

// DefaultBusyTimeout is how long a writer waits for another process's write
// lock by default.
const DefaultBusyTimeout = 10 * time.Second

// Open opens (creating if needed) the database at path, which may hold any
// character SQLite's URI form reserves (see fileURI). path may be
// ":memory:" for a throwaway database (tests only: a file is what the
// product uses).
func Open(ctx context.Context, path string, o Options) (*sql.DB, error) {
	if o.Synchronous == "" {
		o.Synchronous = SyncNormal
	}
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns = 8
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = DefaultBusyTimeout
	}
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		fmt.Sprintf("busy_timeout(%d)", max(o.BusyTimeout.Milliseconds(), 1)),
		"foreign_keys(ON)",
		"synchronous(" + string(o.Synchronous) + ")",
	} {
		q.Add("_pragma", p)
	}
	if o.ManualCheckpoint {
		q.Add("_pragma", "wal_autocheckpoint(0)")
	}
	// Write transactions start with BEGIN IMMEDIATE so that two processes
	// never both read, then both try to upgrade to a write lock (which
	// SQLite resolves by failing one with SQLITE_BUSY, ignoring busy_timeout).
	q.Set("_txlock", "immediate")
	dsn := fileURI(path) + "?" + q.Encode()
	if path == ":memory:" {
		dsn = "file::memory:?" + q.Encode()
		o.MaxOpenConns = 1 // each connection would get its own empty database
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(o.MaxOpenConns)
	db.SetMaxIdleConns(o.MaxOpenConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		component TEXT NOT NULL,
		version   INTEGER NOT NULL,
		PRIMARY KEY (component, version))`); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}
