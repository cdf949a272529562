package mcpserver

import (
	"context"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// migrations are applied by store.Migrate under the component "mcp" on
// SQLite; pgMigrations on PostgreSQL.
// migrations[i] is version i+1: append new ones, never edit old ones.
//
// Times are Unix nanoseconds. mcp_nonces holds one row per sealed
// requestState: used_at is NULL until the state is redeemed, and a row is
// pruned once its state has expired (an expired state is refused before its
// nonce is looked at, so the row is no longer needed). mcp_keys holds keys
// generated once and shared by every process on the database (StateKey).
var migrations = []string{
	`CREATE TABLE mcp_nonces (
		nonce      TEXT    NOT NULL PRIMARY KEY,
		principal  TEXT    NOT NULL,
		expires_at INTEGER NOT NULL,
		used_at    INTEGER
	) STRICT;
CREATE INDEX mcp_nonces_by_expiry ON mcp_nonces (expires_at);
CREATE TABLE mcp_keys (
		name TEXT NOT NULL PRIMARY KEY,
		key  BLOB NOT NULL
	) STRICT`,
}

// pgMigrations are migrations on PostgreSQL.
var pgMigrations = []string{
	`CREATE TABLE mcp_nonces (
		nonce      TEXT   NOT NULL PRIMARY KEY,
		principal  TEXT   NOT NULL,
		expires_at BIGINT NOT NULL,
		used_at    BIGINT
	);
CREATE INDEX mcp_nonces_by_expiry ON mcp_nonces (expires_at);
CREATE TABLE mcp_keys (
		name TEXT  NOT NULL PRIMARY KEY,
		key  BYTEA NOT NULL
	)`,
}

// migrate brings the "mcp" tables up to date. It is safe to run from
// several places and processes: store.Migrate applies each version once.
func migrate(ctx context.Context, db *store.DB) error {
	return store.Migrate(ctx, db, "mcp", store.Migrations{SQLite: migrations, Postgres: pgMigrations})
}

// Nonces records the single-use nonce of every sealed requestState in the
// shared database, so that a state is redeemed at most once across every
// process and replica. Redeeming is one conditional UPDATE: the database's
// lock orders two concurrent attempts and only the first finds the row
// unused.
//
// Nonces is safe for concurrent use. It does not own db.
type Nonces struct {
	db *store.DB
}

// OpenNonces applies the "mcp" migrations to db and returns a Nonces on it.
func OpenNonces(ctx context.Context, db *store.DB) (*Nonces, error) {
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("open MCP nonce store: %w", err)
	}
	return &Nonces{db: db}, nil
}

// Issue records nonce as handed out to principal, redeemable until expires.
// A nonce already recorded is an error: nonces are random, so a repeat means
// a broken random source or a caller bug, never something to paper over.
func (n *Nonces) Issue(ctx context.Context, nonce, principal string, expires time.Time) error {
	if _, err := n.db.ExecContext(ctx,
		`INSERT INTO mcp_nonces (nonce, principal, expires_at) VALUES (?, ?, ?)`,
		nonce, principal, expires.UnixNano()); err != nil {
		return fmt.Errorf("record request-state nonce: %w", err)
	}
	return nil
}

// Consume marks nonce as used by principal at now, if it was issued to
// principal, is unused and has not expired. It reports whether this call
// was the one that used it: false for a nonce already used, expired, pruned,
// never issued here, or issued to someone else.
func (n *Nonces) Consume(ctx context.Context, nonce, principal string, now time.Time) (bool, error) {
	res, err := n.db.ExecContext(ctx,
		`UPDATE mcp_nonces SET used_at = ?
		 WHERE nonce = ? AND principal = ? AND used_at IS NULL AND expires_at > ?`,
		now.UnixNano(), nonce, principal, now.UnixNano())
	if err != nil {
		return false, fmt.Errorf("use request-state nonce: %w", err)
	}
	rows, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use request-state nonce: %w", err)
	}
	return rows == 1, nil
}

// Prune deletes the nonces that expired at or before now, used or not, and
// returns how many. Their states are refused as expired whatever the table
// says, so nothing is lost; callers run it now and then to bound the table.
func (n *Nonces) Prune(ctx context.Context, now time.Time) (int64, error) {
	res, err := n.db.ExecContext(ctx, `DELETE FROM mcp_nonces WHERE expires_at <= ?`, now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("prune request-state nonces: %w", err)
	}
	return res.RowsAffected()
}
