package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/pgtest"
)

// within is the generous bound a wake-up must come in: the assertion is
// that it comes, not how fast.
const within = 30 * time.Second

// startListener listens on a pool of its own on addr and returns it with
// the backend id of each connection it listens on, in order.
func startListener(t *testing.T, addr string) (*Listener, <-chan uint32) {
	t.Helper()
	db := openTest(t, addr)
	pids := make(chan uint32, 8)
	l, err := listen(context.Background(), db, ChannelApprovals, nil, func(pid uint32) { pids <- pid })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, pids
}

func openTest(t *testing.T, addr string) *DB {
	t.Helper()
	db, err := Open(context.Background(), addr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// notify commits a transaction on db that notifies the channel.
func notify(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.Notify(ctx, ChannelApprovals); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(within):
		t.Fatalf("gave up waiting: %s", what)
	}
	var zero T
	return zero
}

// drain takes the pending wake-up, if any.
func drain(c <-chan struct{}) {
	select {
	case <-c:
	default:
	}
}

// A transaction committed on another pool (another replica) wakes the
// listener.
func TestListenerWakesOnAnotherPoolsCommit(t *testing.T) {
	addr := pgtest.URL(t)
	l, pids := startListener(t, addr)
	receive(t, pids, "the listener listens")
	drain(l.C())
	notify(t, openTest(t, addr))
	receive(t, l.C(), "the wake-up of a commit on another pool")
}

// When its backend is terminated, the listener connects again, listens
// again and wakes its reader (it may have missed a notification meanwhile);
// notifications after that wake it too.
func TestListenerReconnectsAfterItsBackendIsTerminated(t *testing.T) {
	addr := pgtest.URL(t)
	other := openTest(t, addr)
	l, pids := startListener(t, addr)
	first := receive(t, pids, "the listener listens")
	drain(l.C()) // the first connection's wake-up
	var ended bool
	if err := other.QueryRowContext(context.Background(), `SELECT pg_terminate_backend(?)`, int64(first)).Scan(&ended); err != nil || !ended {
		t.Fatalf("terminate the listener's backend: %v %v", ended, err)
	}
	second := receive(t, pids, "the listener listens again")
	if second == first {
		t.Fatalf("listening again on backend %d, the terminated one", second)
	}
	receive(t, l.C(), "the wake-up after reconnecting")
	notify(t, other)
	receive(t, l.C(), "the wake-up of a commit after reconnecting")
}

func TestListenRefusesSQLite(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "vpsops.db"))
	if _, err := Listen(context.Background(), db, ChannelApprovals, nil); err == nil {
		t.Fatal("Listen on SQLite succeeded; it has no notifications")
	}
	var l *Listener
	if l.C() != nil || l.Close() != nil {
		t.Fatal("a nil Listener must never wake and close quietly")
	}
}
