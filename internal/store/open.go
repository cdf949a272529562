package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vpsops/vpsops/internal/sqlite"
)

// Options tunes Open. Zero values take the defaults.
type Options struct {
	// SQLite are the options of an SQLite database; ignored for
	// PostgreSQL.
	SQLite sqlite.Options
	// MaxConns bounds a PostgreSQL pool; default 16 (a replica's
	// commands, its watcher, its audit writer and its chat adapters).
	MaxConns int
}

// Open opens the database the configuration names: a postgres:// URL, or
// an SQLite file (":memory:" for a throwaway one).
func Open(ctx context.Context, database string, o Options) (*DB, error) {
	if EngineOf(database) == Postgres {
		return openPostgres(ctx, database, o)
	}
	raw, err := sqlite.Open(ctx, database, o.SQLite)
	if err != nil {
		return nil, err
	}
	return Wrap(raw, SQLite, database), nil
}

func openPostgres(ctx context.Context, database string, o Options) (*DB, error) {
	where := redact(database)
	cfg, err := pgx.ParseConfig(database)
	if err != nil {
		// pgx's message may quote the URL, password included.
		return nil, fmt.Errorf("open database %s: the URL does not parse", where)
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	raw := stdlib.OpenDB(*cfg)
	raw.SetMaxOpenConns(o.MaxConns)
	raw.SetMaxIdleConns(o.MaxConns)
	// A connection is dropped after a while, so a failover or a pooler's
	// restart is followed within minutes without a replica restart.
	raw.SetConnMaxLifetime(30 * time.Minute)
	if err := raw.PingContext(ctx); err != nil {
		raw.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	db := Wrap(raw, Postgres, where)
	if err := db.ensureMigrationsTable(ctx); err != nil {
		raw.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	return db, nil
}

// redact is the URL without its password, for messages and logs.
func redact(database string) string {
	u, err := url.Parse(database)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Conn is one connection of the pool, held until Close: what a
// PostgreSQL session lock or LISTEN needs.
func (db *DB) Conn(ctx context.Context) (*sql.Conn, error) { return db.raw.Conn(ctx) }
