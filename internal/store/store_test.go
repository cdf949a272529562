package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestRebindNumbersPlaceholdersOutsideQuotes(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`:                         `SELECT 1`,
		`a = ? AND b IN (?, ?)`:            `a = $1 AND b IN ($2, $3)`,
		`x = '?' AND y = ?`:                `x = '?' AND y = $1`,
		`"we?ird" = ? AND z = 'it''s ?' ?`: `"we?ird" = $1 AND z = 'it''s ?' $2`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRebind(f *testing.F) {
	f.Add(`a = ? AND b = '?'`)
	f.Fuzz(func(t *testing.T, q string) {
		out := rebind(q)
		if strings.Count(q, "?") == 0 && out != q {
			t.Fatalf("rebind changed a query without placeholders: %q -> %q", q, out)
		}
	})
}

func TestEngineOf(t *testing.T) {
	for db, want := range map[string]Engine{
		"./vpsops.db":                  SQLite,
		":memory:":                     SQLite,
		"postgres://u@h/db":            Postgres,
		"PostgreSQL://u@h/db":          Postgres,
		"/var/lib/postgres://weird.db": SQLite,
	} {
		if got := EngineOf(db); got != want {
			t.Errorf("EngineOf(%q) = %s, want %s", db, got, want)
		}
	}
}

func TestRedactHidesThePassword(t *testing.T) {
	for _, u := range []string{"postgres://vpsops:s3cret@db:5432/vpsops", "postgres://db/vpsops?password=s3cret&sslmode=require"} {
		if got := redact(u); strings.Contains(got, "s3cret") {
			t.Errorf("redact(%q) = %q", u, got)
		}
	}
}

// engines opens a fresh database of each engine.
func engines(t *testing.T) map[Engine]string {
	return map[Engine]string{
		SQLite:   filepath.Join(t.TempDir(), "t.db"),
		Postgres: pgtest.URL(t),
	}
}

func TestMigrateAppliesEachVersionOnceAndReadyFollows(t *testing.T) {
	ctx := context.Background()
	for engine, addr := range engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			db, err := Open(ctx, addr, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if db.Engine() != engine {
				t.Fatalf("engine %s, want %s", db.Engine(), engine)
			}
			m := Migrations{
				SQLite:   []string{"CREATE TABLE t (n INTEGER);\nINSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"},
				Postgres: []string{"CREATE TABLE t (n BIGINT);\nINSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"},
			}
			// Replicas starting together each migrate.
			errs := make(chan error, 4)
			for range 4 {
				go func() { errs <- Migrate(ctx, db, "c", m) }()
			}
			for range 4 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE n > ?`, 0).Scan(&n); err != nil || n != 2 {
				t.Fatalf("rows %d (%v), want 2: a version ran twice or not at all", n, err)
			}
			if err := db.Ready(ctx); err != nil {
				t.Fatalf("Ready: %v", err)
			}
			if _, err := db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = 2`); err != nil {
				t.Fatal(err)
			}
			if err := db.Ready(ctx); err == nil || !strings.Contains(err.Error(), "c at version 1 of 2") {
				t.Fatalf("Ready with a migration missing: %v", err)
			}
		})
	}
}

func TestOpenFailureNamesTheDatabaseWithoutThePassword(t *testing.T) {
	_, err := Open(context.Background(), "postgres://vpsops:s3cret@127.0.0.1:1/vpsops?connect_timeout=2", Options{})
	if err == nil {
		t.Fatal("opened a database that is not there")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("error %q", err)
	}
}

func TestAFailedMigrationLeavesNothing(t *testing.T) {
	ctx := context.Background()
	for engine, addr := range engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			db, err := Open(ctx, addr, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			bad := []string{"CREATE TABLE a (x INTEGER);\nNOT SQL"}
			if err := Migrate(ctx, db, "t", Migrations{SQLite: bad, Postgres: bad}); err == nil {
				t.Fatal("a bad migration succeeded")
			}
			if _, err := db.ExecContext(ctx, "SELECT * FROM a"); err == nil {
				t.Fatal("a half-applied migration left table a behind")
			}
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE component = ?`, "t").Scan(&n); err != nil || n != 0 {
				t.Fatalf("the failed version is recorded as applied (%d, %v)", n, err)
			}
		})
	}
}
