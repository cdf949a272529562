package approval

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/sqlite"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// openQuickDB is a pool whose statements give up on another connection's
// lock after 20 ms instead of 10 s, so a test can hold the write lock
// across a (fake) lease period without waiting for real.
func openQuickDB(t *testing.T, path string) *store.DB {
	t.Helper()
	storetest.SQLiteOnly(t, "SQLite's one write lock, which PostgreSQL does not have")
	return storetest.OpenWith(t, path, sqlite.Options{BusyTimeout: 20 * time.Millisecond})
}

// writeLock takes the database's write lock on a connection of its own
// (BEGIN IMMEDIATE, as another process would) until release is called.
func writeLock(t *testing.T, path string) (release func()) {
	t.Helper()
	storetest.SQLiteOnly(t, "SQLite's one write lock, which PostgreSQL does not have")
	tx, err := openDB(t, path).BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { tx.Rollback() }) }
	t.Cleanup(release)
	return release
}

// lockedFixture has an executor running a claimed request under Hold (with
// hand-fed ticks) and a sweeper in another process, one lease into their
// lives, so neither's start-up grace is what the test sees.
type lockedFixture struct {
	*fixture
	executor, sweeper *Store
	req               Request
	ticks             chan time.Time
}

func newLockedFixture(t *testing.T) *lockedFixture {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t)
	lf := &lockedFixture{
		fixture:  f,
		executor: newStore(t, openQuickDB(t, f.path), f.clock, "executor"),
		sweeper:  newStore(t, openQuickDB(t, f.path), f.clock, "sweeper"),
		ticks:    make(chan time.Time),
	}
	r := f.reach(t, Approved)
	lf.req = f.ok(lf.executor.Claim(ctx, r.ID, hashOf(r)))
	stop, _ := lf.executor.hold(ctx, r.ID, lf.ticks)
	t.Cleanup(stop)
	for range 4 { // 40 s of a healthy run: renewed, and swept without harm
		f.clock.Advance(testLease / 3)
		lf.renew()
		lf.sweep(t, 0)
	}
	return lf
}

// renew is one tick of the executor's Hold; it returns once that renewal
// has been tried (the loop has taken the second send).
func (lf *lockedFixture) renew() {
	lf.ticks <- time.Time{}
	lf.ticks <- time.Time{}
}

func (lf *lockedFixture) sweep(t *testing.T, wantInterrupted int) {
	t.Helper()
	_, intr, err := lf.sweeper.Sweep(context.Background())
	if err != nil || len(intr) != wantInterrupted {
		t.Fatalf("sweep at %s: %d interrupted, %v; want %d", lf.clock.Now().Format(time.TimeOnly), len(intr), err, wantInterrupted)
	}
}

// lockFor holds the write lock for d of fake time, the sweeper sweeping
// every second and the executor trying to renew every Lease/3; every one of
// those writes fails with SQLITE_BUSY.
func (lf *lockedFixture) lockFor(t *testing.T, d time.Duration) {
	t.Helper()
	release := writeLock(t, lf.path)
	for i := 1; i <= int(d/time.Second); i++ {
		lf.clock.Advance(time.Second)
		if _, _, err := lf.sweeper.Sweep(context.Background()); !sqlite.IsBusy(err) {
			t.Fatalf("sweep under the lock: %v, want SQLITE_BUSY", err)
		}
		if i%10 == 0 {
			lf.renew()
		}
	}
	release()
}

// TestLockedDatabaseDoesNotInterruptALiveExecutor: another process holds
// the write lock for 45 s, longer than the 30 s lease, so no renewal can
// commit. When the lock goes, the sweeper may get the database before the
// executor: it must not take the lapsed lease for a dead executor. The
// executor renews at its next tick and records its outcome.
func TestLockedDatabaseDoesNotInterruptALiveExecutor(t *testing.T) {
	ctx := context.Background()
	lf := newLockedFixture(t)
	lf.lockFor(t, 45*time.Second)

	lf.sweep(t, 0) // first to the database after the lock
	lf.clock.Advance(5 * time.Second)
	lf.sweep(t, 0)
	lf.renew()
	for i := range 6 { // a whole lease more, renewing as usual
		lf.clock.Advance(testLease / 6)
		lf.sweep(t, 0)
		if i%2 == 1 {
			lf.renew()
		}
	}
	got, err := lf.executor.Finish(ctx, lf.req.ID, true, "reinstalled with debian-12", "", "")
	if err != nil || got.State != Succeeded {
		t.Fatalf("finish after the lock: %v, %v", got.State, err)
	}
}

// TestLockedDatabaseStillCatchesADeadExecutor: an executor that died while
// the database was locked is judged one full lease after the database is
// writable again, not earlier and not never.
func TestLockedDatabaseStillCatchesADeadExecutor(t *testing.T) {
	lf := newLockedFixture(t)
	lf.lockFor(t, 45*time.Second)
	// The executor is dead from here on: no more renewals.
	lf.sweep(t, 0)
	lf.clock.Advance(testLease - time.Nanosecond)
	lf.sweep(t, 0)
	lf.clock.Advance(time.Nanosecond)
	lf.sweep(t, 1)
}

// TestFinishOutlastsABriefLock: the outcome is stored even when the
// database is locked at the moment the action ends: Finish tries again on
// SQLITE_BUSY. The lock goes when the second attempt reads the clock.
func TestFinishOutlastsABriefLock(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var (
		mu      sync.Mutex
		release func()
		reads   int
	)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if release != nil {
			if reads++; reads == 2 {
				release()
			}
		}
		return f.clock.Now()
	}
	s, err := Open(ctx, openQuickDB(t, f.path), Options{Lease: testLease, Clock: clock, Instance: "executor"})
	if err != nil {
		t.Fatal(err)
	}
	r := f.reach(t, Approved)
	r = f.ok(s.Claim(ctx, r.ID, hashOf(r)))
	mu.Lock()
	release = writeLock(t, f.path)
	mu.Unlock()
	got, err := s.Finish(ctx, r.ID, true, "reinstalled with debian-12", "", "")
	if err != nil || got.State != Succeeded {
		t.Fatalf("finish across a lock: %v, %v", got.State, err)
	}
	if reads < 2 {
		t.Fatalf("finish read the clock %d times: it never met the lock", reads)
	}
}

// TestLateFinishRecordsTheOutcome: an executor whose request was swept as
// interrupted (by a sweeper that could not know better) still records what
// really happened when it ends; nobody else can, and it is never re-run.
func TestLateFinishRecordsTheOutcome(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := newStore(t, openDB(t, f.path), f.clock, "inst-b")
	r := f.reach(t, Interrupted)
	if _, err := other.Finish(ctx, r.ID, true, "", "", ""); !isConflict(err, Interrupted) {
		t.Fatalf("finish by another instance: %v", err)
	}
	got := f.ok(f.store.Finish(ctx, r.ID, false, "", "unavailable", "provider timed out"))
	if got.State != Failed || got.Error != "provider timed out" || got.Executor != "inst-a" {
		t.Fatalf("late finish: %+v", got)
	}
	if _, err := f.store.Finish(ctx, r.ID, true, "", "", ""); !isConflict(err, Failed) {
		t.Fatalf("second finish: %v", err)
	}
	if _, err := f.store.Claim(ctx, r.ID, hashOf(r)); !isConflict(err, Failed) {
		t.Fatalf("claim after a late finish: %v", err)
	}
}
