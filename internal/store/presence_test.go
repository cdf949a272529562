package store

import (
	"context"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/pgtest"
)

// TestPresenceOnPostgresFollowsTheSession: a replica is alive exactly as
// long as its session holds the lock. Terminating that session (what the
// server does when a killed replica's connection drops) makes it dead to
// the others at once; the replica itself, still running, announces
// itself again on a new connection.
func TestPresenceOnPostgresFollowsTheSession(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	open := func() *DB {
		db, err := Open(ctx, url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	pa, err := Announce(ctx, a, "host-a/1/aaaaaa")
	if err != nil {
		t.Fatal(err)
	}
	pb, err := Announce(ctx, b, "host-b/2/bbbbbb")
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	if !pb.Alive("host-a/1/aaaaaa") || !pa.Alive("host-b/2/bbbbbb") {
		t.Fatal("a live replica is taken for dead")
	}
	if pb.Alive("host-c/3/cccccc") {
		t.Fatal("a replica that never announced itself is alive")
	}
	if _, err := Announce(ctx, b, "host-a/1/aaaaaa"); err == nil {
		t.Fatal("a second process announced a live instance's name")
	}

	// The server ends a's session, as when its replica is killed.
	var pid int
	if err := a.raw.QueryRowContext(ctx, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2
		AND objid::bigint = $1`, int64(uint32(presenceKey("host-a/1/aaaaaa")))).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	// With a timeout, pg_terminate_backend waits for the backend to end.
	if _, err := b.raw.ExecContext(ctx, `SELECT pg_terminate_backend($1, 10000)`, pid); err != nil {
		t.Fatal(err)
	}
	if pb.Alive("host-a/1/aaaaaa") {
		t.Fatal("a replica whose session ended is still alive")
	}
	// a lives on, and is known alive again once it noticed.
	deadline := time.Now().Add(30 * time.Second)
	for !pb.Alive("host-a/1/aaaaaa") {
		if time.Now().After(deadline) {
			t.Fatal("the replica never announced itself again")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := pa.Close(); err != nil {
		t.Fatal(err)
	}
	if pb.Alive("host-a/1/aaaaaa") {
		t.Fatal("a replica that withdrew is still alive")
	}
}
