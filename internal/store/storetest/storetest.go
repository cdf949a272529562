// Package storetest runs a storage package's own tests on both engines:
// that package's tests are its conformance suite. They take their
// database from Database, which is a new SQLite file, or a new PostgreSQL
// database when EngineEnv says so; RunOnPostgres, called from one test of
// the package, runs the package's test binary once more with it set, so
// plain `go test ./...` checks both engines wherever PostgreSQL is
// installed.
package storetest

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/sqlite"
	"github.com/vpsops/vpsops/internal/store"
)

// EngineEnv selects the engine of Database: "postgres", or unset for
// SQLite.
const EngineEnv = "VPSOPS_TEST_ENGINE"

// OnPostgres reports whether this test binary runs on PostgreSQL.
func OnPostgres() bool { return os.Getenv(EngineEnv) == string(store.Postgres) }

// Database returns the address of a new, empty database of the engine
// under test.
func Database(tb testing.TB) string {
	tb.Helper()
	if OnPostgres() {
		return pgtest.URL(tb)
	}
	return filepath.Join(tb.TempDir(), "vpsops.db")
}

// Open opens addr, closed when tb ends. Each call is a separate pool, as
// another process would have.
func Open(tb testing.TB, addr string) *store.DB {
	tb.Helper()
	return OpenWith(tb, addr, sqlite.Options{})
}

// OpenWith is Open with SQLite options (ignored on PostgreSQL).
func OpenWith(tb testing.TB, addr string, o sqlite.Options) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), addr, store.Options{SQLite: o})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// SQLiteOnly skips a test of SQLite's own behaviour (its write lock, its
// file) when the package runs on PostgreSQL.
func SQLiteOnly(tb testing.TB, why string) {
	tb.Helper()
	if OnPostgres() {
		tb.Skip("SQLite only: " + why)
	}
}

// RunOnPostgres runs every other test of this package again, in a child
// test binary whose databases are PostgreSQL's. Call it from one test:
//
//	func TestConformanceOnPostgres(t *testing.T) { storetest.RunOnPostgres(t) }
//
// only, when given, is a -test.run pattern for a package whose storage
// tests are a few among many. It skips under -short, in the child itself,
// and where PostgreSQL is not installed (unless pgtest.RequireEnv is set).
func RunOnPostgres(t *testing.T, only ...string) {
	if OnPostgres() {
		t.Skip("this is the PostgreSQL run")
	}
	if testing.Short() {
		t.Skip("-short: SQLite only")
	}
	pgtest.Require(t)
	args := []string{"-test.skip", "^" + t.Name() + "$", "-test.count=1"}
	if len(only) > 0 {
		args = append(args, "-test.run="+strings.Join(only, "|"))
	}
	for _, name := range []string{"test.v", "test.timeout", "test.failfast"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != f.DefValue {
			args = append(args, "-"+name+"="+f.Value.String())
		}
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), EngineEnv+"="+string(store.Postgres))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("this package's tests on PostgreSQL failed (%v):\n%s", err, out)
	}
	if testing.Verbose() {
		t.Logf("on PostgreSQL:\n%s", out)
	}
}
