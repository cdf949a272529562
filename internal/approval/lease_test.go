package approval

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestLapsedLeaseIsInterruptedNeverRerun: the executor claims and stops
// renewing (it died); another process's sweep marks the request interrupted,
// and nothing can renew or claim it afterwards (only the executor itself
// could still report an outcome: TestLateFinishRecordsTheOutcome).
func TestLapsedLeaseIsInterruptedNeverRerun(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sweeper := newStore(t, openDB(t, f.path), f.clock, "inst-b")
	r := f.reach(t, Approved)
	r = f.ok(f.store.Claim(ctx, r.ID, hashOf(r)))

	// Another process cannot finish or renew what it did not claim.
	if _, err := sweeper.Finish(ctx, r.ID, true, "", "", ""); !isConflict(err, Executing) {
		t.Fatalf("finish by another instance: %v", err)
	}
	if err := sweeper.Renew(ctx, r.ID); !isConflict(err, Executing) {
		t.Fatalf("renew by another instance: %v", err)
	}

	f.clock.Advance(testLease) // the lease runs until exactly now: still held
	if _, intr, err := sweeper.Sweep(ctx); err != nil || len(intr) != 0 {
		t.Fatalf("sweep at the end of the lease: %d interrupted, %v", len(intr), err)
	}
	f.clock.Advance(time.Nanosecond)
	_, intr, err := sweeper.Sweep(ctx)
	if err != nil || len(intr) != 1 || intr[0].ID != r.ID || intr[0].State != Interrupted {
		t.Fatalf("sweep after the lease: %+v, %v", intr, err)
	}
	// The executor stays in its own column; the error, shown to people
	// in every view of the request, does not name a host and pid.
	if strings.Contains(intr[0].Error, "inst-a") || intr[0].Executor != "inst-a" || intr[0].Error == "" {
		t.Fatalf("interrupted request: executor %q, error %q", intr[0].Executor, intr[0].Error)
	}

	if err := f.store.Renew(ctx, r.ID); !isConflict(err, Interrupted) {
		t.Fatalf("late renew: %v", err)
	}
	for _, s := range []*Store{f.store, sweeper} {
		if _, err := s.Claim(ctx, r.ID, hashOf(r)); !isConflict(err, Interrupted) {
			t.Fatalf("claim of an interrupted request by %s: %v", s.Instance(), err)
		}
	}
	if _, intr, err := sweeper.Sweep(ctx); err != nil || len(intr) != 0 {
		t.Fatalf("second sweep: %d interrupted, %v", len(intr), err)
	}
}

// TestHoldRenews drives the renewal loop with hand-fed ticks: each tick
// renews the lease from the clock's current time, and stop ends the loop.
func TestHoldRenews(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.reach(t, Executing)

	ticks := make(chan time.Time) // unbuffered: a send waits until the loop is back at its select
	stop, _ := f.store.hold(ctx, r.ID, ticks)
	f.clock.Advance(20 * time.Second)
	ticks <- time.Time{}
	ticks <- time.Time{} // the first renewal has finished once this is taken
	stop()
	stop() // idempotent

	got := f.ok(f.store.Get(ctx, r.ID))
	if want := f.clock.Now().Add(testLease); !got.LeaseUntil.Equal(want) {
		t.Fatalf("lease until %s, want %s", got.LeaseUntil, want)
	}
	f.clock.Advance(testLease - time.Second) // past the original lease, within the renewed one
	if _, intr, err := f.store.Sweep(ctx); err != nil || len(intr) != 0 {
		t.Fatalf("held request swept: %d interrupted, %v", len(intr), err)
	}
}

// TestHoldGivesUpALostLease: once the request was swept, the loop ends on
// its own at the next tick instead of renewing forever.
func TestHoldGivesUpALostLease(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.reach(t, Executing)
	f.clock.Advance(testLease + time.Second)
	if _, intr, err := f.store.Sweep(ctx); err != nil || len(intr) != 1 {
		t.Fatalf("sweep: %d, %v", len(intr), err)
	}
	ticks := make(chan time.Time)
	stop, done := f.store.hold(ctx, r.ID, ticks)
	defer stop()
	ticks <- time.Time{}
	<-done // a loop that kept going would block here until the test times out
}

// TestHoldStopsWithContext: cancelling the caller's context ends the loop.
func TestHoldStopsWithContext(t *testing.T) {
	f := newFixture(t)
	r := f.reach(t, Executing)
	ctx, cancel := context.WithCancel(context.Background())
	stop, done := f.store.hold(ctx, r.ID, make(chan time.Time))
	defer stop()
	cancel()
	<-done
}

// TestHoldWithRealTicker only checks that the public Hold starts and stops
// cleanly; the renewal itself is tested with hand-fed ticks above.
func TestHoldWithRealTicker(t *testing.T) {
	f := newFixture(t)
	r := f.reach(t, Executing)
	stop := f.store.Hold(context.Background(), r.ID)
	stop()
	stop()
	if got := f.ok(f.store.Get(context.Background(), r.ID)); got.State != Executing {
		t.Fatalf("state %s", got.State)
	}
}

// TestPendingSurvivesReopen: a pending request outlives the process that
// created it and can be approved and run by the next one.
func TestPendingSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := openDB(t, f.path)
	first := newStore(t, db, f.clock, "before")
	r, err := first.Create(ctx, newRequest(false, true))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	again := newStore(t, openDB(t, f.path), f.clock, "after")
	got := f.ok(again.Get(ctx, r.ID))
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("after reopen\n%+v\nwant\n%+v", got, r)
	}
	if pending := f.ok2(again.List(ctx, Filter{States: []State{Pending}})); len(pending) != 1 || pending[0].ID != r.ID {
		t.Fatalf("pending after reopen: %v", ids(pending))
	}
	f.ok(again.Approve(ctx, r.ID, bob))
	if got := f.ok(again.Claim(ctx, r.ID, hashOf(r))); got.Executor != "after" {
		t.Fatalf("executor %q", got.Executor)
	}
}

// TestUnclaimedApprovalExpires: an approved request that nobody claims (its
// secrets died with the requester's process) expires one lease after its
// deadline instead of staying claimable forever.
func TestUnclaimedApprovalExpires(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.reach(t, Approved)
	f.clock.Advance(r.ExpiresAt.Add(testLease).Sub(f.clock.Now()))
	if exp, _, err := f.store.Sweep(ctx); err != nil || len(exp) != 0 {
		t.Fatalf("sweep exactly one lease after the deadline: %d expired, %v", len(exp), err)
	}
	f.clock.Advance(time.Nanosecond)
	exp, _, err := f.store.Sweep(ctx)
	if err != nil || len(exp) != 1 || exp[0].ID != r.ID || exp[0].State != Expired {
		t.Fatalf("sweep after it: %+v, %v", exp, err)
	}
	if _, err := f.store.Claim(ctx, r.ID, hashOf(r)); !isConflict(err, Expired) {
		t.Fatalf("claim of an expired approval: %v", err)
	}
}

// TestATakenOverSweepWaitsAWholeLease: a replica that starts sweeping
// after it did not (it took the sweeper duty over, perhaps after an outage
// in which nobody could renew) judges no lease until it has watched for a
// whole lease itself.
func TestATakenOverSweepWaitsAWholeLease(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sweeper := newStore(t, openDB(t, f.path), f.clock, "inst-b")
	r := f.reach(t, Approved)
	f.ok(f.store.Claim(ctx, r.ID, hashOf(r)))
	f.clock.Advance(2 * testLease) // long lapsed: the database was down, say

	sweeper.ResumeSweeping()
	if _, intr, err := sweeper.Sweep(ctx); err != nil || len(intr) != 0 {
		t.Fatalf("first sweep after taking over: %d interrupted, %v", len(intr), err)
	}
	f.clock.Advance(testLease)
	if _, intr, err := sweeper.Sweep(ctx); err != nil || len(intr) != 1 {
		t.Fatalf("sweep a lease later: %d interrupted, %v; want the request", len(intr), err)
	}
}
