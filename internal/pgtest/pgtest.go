// Package pgtest gives tests a real PostgreSQL: one throwaway cluster per
// test binary, started on first use in a temporary directory and reached
// over a Unix socket, and a fresh empty database for every caller of URL.
//
// Tests skip, with a message saying so, when no PostgreSQL binaries are
// installed; with VPSOPS_REQUIRE_POSTGRES=1 (CI sets it) they fail
// instead, so a CI run can never pass by skipping them.
//
// A package using it calls Main from its TestMain, which stops the
// cluster and removes its files when the tests end. If the test binary is
// killed instead, the kernel stops the cluster too (see start).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the variable that turns a missing PostgreSQL into a
// test failure.
const RequireEnv = "VPSOPS_REQUIRE_POSTGRES"

var (
	once    sync.Once
	shared  *Cluster
	initErr error
)

// URL returns the URL of a new, empty database on this binary's cluster,
// dropped when tb ends. It skips tb when PostgreSQL is not installed
// (fails it when RequireEnv is set).
func URL(tb testing.TB) string {
	tb.Helper()
	c := cluster(tb)
	name := "t_" + randomHex(6)
	if err := c.exec(context.Background(), "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		// FORCE ends sessions a test left open (a killed child's pool).
		if err := c.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Logf("pgtest: drop database %s: %v", name, err)
		}
	})
	return c.URL(name)
}

// Shared returns this binary's cluster, starting it on first use, for
// tests that need the server itself (to stop it, say). It skips or fails
// tb as URL does.
func Shared(tb testing.TB) *Cluster {
	tb.Helper()
	return cluster(tb)
}

// Require skips tb when PostgreSQL is not installed (fails it when
// RequireEnv is set), without starting anything.
func Require(tb testing.TB) {
	tb.Helper()
	if _, err := binDir(); err != nil {
		if os.Getenv(RequireEnv) == "" {
			tb.Skipf("pgtest: %v; set %s=1 to fail instead of skipping", err, RequireEnv)
		}
		tb.Fatalf("pgtest: %v", err)
	}
}

func cluster(tb testing.TB) *Cluster {
	tb.Helper()
	once.Do(func() { shared, initErr = Start() })
	switch {
	case errors.Is(initErr, ErrNotInstalled) && os.Getenv(RequireEnv) == "":
		tb.Skipf("pgtest: %v; set %s=1 to fail instead of skipping", initErr, RequireEnv)
	case initErr != nil:
		tb.Fatalf("pgtest: %v", initErr)
	}
	return shared
}

// Main runs the tests of a package and then stops the cluster, if one was
// started, so that no server outlives the test binary. Use it as
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// URL is the URL of database name on c.
func (c *Cluster) URL(name string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + name,
		RawQuery: url.Values{"host": {c.dir}, "port": {fmt.Sprint(c.port)}, "sslmode": {"disable"}}.Encode()}
	return u.String()
}

func (c *Cluster) exec(ctx context.Context, stmt string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, stmt)
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// binDir finds initdb: on PATH, else in Debian's versioned directory.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real), nil
		}
		return filepath.Dir(p), nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return "", ErrNotInstalled
	}
	return filepath.Dir(found[len(found)-1]), nil
}

// ErrNotInstalled is why a cluster cannot start on a machine without
// PostgreSQL.
var ErrNotInstalled = errors.New("PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin)")
