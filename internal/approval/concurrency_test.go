package approval

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestApproveAndClaimExactlyOnce: 64 approvers click Approve at once, through
// two Stores with their own connection pools, then each tries to run the
// action. One approval and one claim win; every loser learns the state.
func TestApproveAndClaimExactlyOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := newStore(t, openDB(t, f.path), f.clock, "inst-b")
	r := f.reach(t, Pending)
	hash := hashOf(r)

	const n = 64
	type result struct {
		store      *Store
		approveErr error
		claimed    Request
		claimErr   error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		s := f.store
		if i%2 == 1 {
			s = other
		}
		wg.Go(func() {
			<-start
			res := result{store: s}
			_, res.approveErr = s.Approve(ctx, r.ID, fmt.Sprintf("slack:T1:approver%d", i))
			res.claimed, res.claimErr = s.Claim(ctx, r.ID, hash)
			results[i] = res
		})
	}
	close(start)
	wg.Wait()

	var approvals, claims int
	var winner *Store
	for i, res := range results {
		switch {
		case res.approveErr == nil:
			approvals++
		case !isConflict(res.approveErr, Approved) && !isConflict(res.approveErr, Executing):
			t.Errorf("approver %d: %v", i, res.approveErr)
		}
		switch {
		case res.claimErr == nil:
			claims++
			winner = res.store
			if res.claimed.State != Executing || res.claimed.Executor != res.store.Instance() {
				t.Errorf("winning claim: state %s, executor %q", res.claimed.State, res.claimed.Executor)
			}
		case !isConflict(res.claimErr, Executing):
			t.Errorf("claimer %d: %v", i, res.claimErr)
		}
	}
	if approvals != 1 || claims != 1 {
		t.Fatalf("%d approvals and %d claims won, want 1 and 1", approvals, claims)
	}
	if got := f.ok(f.store.Get(ctx, r.ID)); got.State != Executing || got.Executor != winner.Instance() {
		t.Fatalf("stored: %s by %q", got.State, got.Executor)
	}
}

// TestSweepersRace: two Stores sweep the same database at once; every due
// request is changed, and reported, by exactly one of them.
func TestSweepersRace(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := newStore(t, openDB(t, f.path), f.clock, "inst-b")

	const n = 30
	var duePending, dueRunning, fresh []string
	for range n {
		duePending = append(duePending, f.create(t, false, true).ID)
		dueRunning = append(dueRunning, f.reach(t, Executing).ID)
	}
	f.clock.Advance(testTTL + time.Second)
	for range 5 {
		fresh = append(fresh, f.create(t, true, true).ID, f.reach(t, Executing).ID)
	}

	var mu sync.Mutex
	var expired, interrupted []string
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		s := []*Store{f.store, other}[i%2]
		wg.Go(func() {
			<-start
			exp, intr, err := s.Sweep(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			expired = append(expired, ids(exp)...)
			interrupted = append(interrupted, ids(intr)...)
		})
	}
	close(start)
	wg.Wait()

	slices.Sort(expired)
	slices.Sort(interrupted)
	slices.Sort(duePending)
	slices.Sort(dueRunning)
	if !slices.Equal(expired, duePending) {
		t.Errorf("expired %d requests (%v), want each of %d once", len(expired), expired, len(duePending))
	}
	if !slices.Equal(interrupted, dueRunning) {
		t.Errorf("interrupted %d requests (%v), want each of %d once", len(interrupted), interrupted, len(dueRunning))
	}
	for _, id := range fresh {
		if got := f.ok(f.store.Get(ctx, id)); got.State.Terminal() {
			t.Errorf("request %s, not due, was swept to %s", id, got.State)
		}
	}
}
