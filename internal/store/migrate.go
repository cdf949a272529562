package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Migrations are one component's schema changes, per engine.
// Migrations[i] is version i+1 of that engine's list: append new ones,
// never edit old ones. The two lists are numbered apart: PostgreSQL
// started from SQLite's final schema, so its version 1 is what took
// SQLite several.
type Migrations struct {
	SQLite   []string
	Postgres []string
}

func (m Migrations) of(e Engine) []string {
	if e == Postgres {
		return m.Postgres
	}
	return m.SQLite
}

// Migrate applies the migrations of component that have not run yet, each
// version in its own transaction, and remembers how many there are for
// Ready. Replicas starting together may all call it: on PostgreSQL the
// migrations run under a lock, so each version is applied once.
func Migrate(ctx context.Context, db *DB, component string, m Migrations) error {
	list := m.of(db.engine)
	for i, stmt := range list {
		version := i + 1
		if err := migrateOne(ctx, db, component, version, stmt); err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", component, version, err)
		}
	}
	db.mu.Lock()
	db.migrated[component] = len(list)
	db.mu.Unlock()
	return nil
}

func (db *DB) ensureMigrationsTable(ctx context.Context) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Concurrent CREATE TABLE IF NOT EXISTS can still fail on
	// PostgreSQL's catalog: the lock makes the replicas take turns.
	if err := tx.Lock(ctx, LockMigrations); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		component TEXT NOT NULL,
		version   INTEGER NOT NULL,
		PRIMARY KEY (component, version))`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return tx.Commit()
}

// migrateOne applies one version in its own transaction, unless it ran:
// on SQLite the transaction holds the write lock, on PostgreSQL the
// migrations lock, so replicas starting together apply it once.
// Statements are separated by ";\n" (a trigger body keeps its inner ";"
// on the same line as the next word).
func migrateOne(ctx context.Context, db *DB, component string, version int, stmt string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.Lock(ctx, LockMigrations); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE component = ? AND version = ?`, component, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	for _, s := range strings.Split(stmt, ";\n") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		// The raw transaction: DDL has no placeholders to rebind, and a
		// "?" in a comment must stay as it is.
		if _, err := tx.raw.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (component, version) VALUES (?, ?)`, component, version); err != nil {
		return err
	}
	return tx.Commit()
}

// Ready reports whether the database answers and holds every migration
// this process applied or found at start: a replica whose database was
// restored from an old backup, or lost, is not ready.
func (db *DB) Ready(ctx context.Context) error {
	db.mu.Lock()
	want := make(map[string]int, len(db.migrated))
	for c, n := range db.migrated {
		want[c] = n
	}
	db.mu.Unlock()
	rows, err := db.QueryContext(ctx, `SELECT component, max(version) FROM schema_migrations GROUP BY component`)
	if err != nil {
		return fmt.Errorf("database %s: %w", db.where, err)
	}
	defer rows.Close()
	have := map[string]int{}
	for rows.Next() {
		var (
			c string
			n int
		)
		if err := rows.Scan(&c, &n); err != nil {
			return fmt.Errorf("database %s: %w", db.where, err)
		}
		have[c] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("database %s: %w", db.where, err)
	}
	var behind []string
	for c, n := range want {
		if have[c] < n {
			behind = append(behind, fmt.Sprintf("%s at version %d of %d", c, have[c], n))
		}
	}
	if len(behind) > 0 {
		sort.Strings(behind)
		return fmt.Errorf("database %s: migrations not current: %s", db.where, strings.Join(behind, ", "))
	}
	return nil
}
