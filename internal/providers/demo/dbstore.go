package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// migrations of the "demo" component; append, never edit.
var migrations = []string{
	`CREATE TABLE demo_fleets (
		provider   TEXT PRIMARY KEY,
		fleet      TEXT NOT NULL,   -- JSON Fleet
		updated_at TEXT NOT NULL
	)`,
}

// pgMigrations are migrations on PostgreSQL.
var pgMigrations = []string{
	`CREATE TABLE demo_fleets (
		provider   TEXT PRIMARY KEY,
		fleet      TEXT NOT NULL,
		updated_at TEXT NOT NULL
	)`,
}

// dbStore keeps one JSON row per provider instance, so an Update is a
// single-row read-modify-write inside one transaction.
type dbStore struct{ db *store.DB }

// NewDBStore returns a Store in db. Update's read-modify-write runs
// alone: on SQLite its transaction starts with BEGIN IMMEDIATE, on
// PostgreSQL it takes the demo fleet's lock (a row lock would not cover
// the first write, when there is no row yet). Two bot processes on one
// database therefore see one demo fleet.
func NewDBStore(ctx context.Context, db *store.DB) (Store, error) {
	if err := store.Migrate(ctx, db, "demo", store.Migrations{SQLite: migrations, Postgres: pgMigrations}); err != nil {
		return nil, fmt.Errorf("demo state store: %w", err)
	}
	return &dbStore{db: db}, nil
}

func (s *dbStore) View(ctx context.Context, provider string, fn func(f *Fleet) error) error {
	b, err := readFleet(ctx, s.db, provider)
	if err != nil {
		return err
	}
	f, err := decodeFleet(b)
	if err != nil {
		return err
	}
	return fn(f)
}

func (s *dbStore) Update(ctx context.Context, provider string, fn func(f *Fleet) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("update demo fleet %s: %w", provider, err)
	}
	defer tx.Rollback()
	if err := tx.Lock(ctx, store.LockDemoFleet); err != nil {
		return fmt.Errorf("update demo fleet %s: %w", provider, err)
	}
	b, err := readFleet(ctx, tx, provider)
	if err != nil {
		return err
	}
	f, err := decodeFleet(b)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		return err
	}
	if b, err = encodeFleet(f); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO demo_fleets(provider, fleet, updated_at) VALUES(?, ?, ?)
		ON CONFLICT(provider) DO UPDATE SET fleet=excluded.fleet, updated_at=excluded.updated_at`,
		provider, string(b), time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("update demo fleet %s: %w", provider, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("update demo fleet %s: %w", provider, err)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readFleet(ctx context.Context, q querier, provider string) ([]byte, error) {
	var s string
	err := q.QueryRowContext(ctx, `SELECT fleet FROM demo_fleets WHERE provider=?`, provider).Scan(&s)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read demo fleet %s: %w", provider, err)
	}
	return []byte(s), nil
}
