package approval

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestClaimPostOncePerPlatform: 32 processes' worth of claimants, through
// two Stores with their own connection pools, claim posting one request on
// Slack and on Discord at once. Each platform gets exactly one poster, and
// only that one can renew.
func TestClaimPostOncePerPlatform(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := newStore(t, openDB(t, f.path), f.clock, "inst-b")
	r := f.reach(t, Pending)

	const n = 32
	platforms := []string{"slack", "discord"}
	won := map[string][]string{}
	var mu sync.Mutex
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		s := []*Store{f.store, other}[i%2]
		for _, platform := range platforms {
			wg.Go(func() {
				<-start
				by := fmt.Sprintf("bot-%d", i)
				ok, err := s.ClaimPost(ctx, r.ID, platform, by, testLease)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won[platform] = append(won[platform], by)
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	for _, platform := range platforms {
		if len(won[platform]) != 1 {
			t.Fatalf("%s claims won by %v, want exactly one", platform, won[platform])
		}
		winner := won[platform][0]
		loser := "bot-x"
		if ok, err := other.ClaimPost(ctx, r.ID, platform, loser, testLease); ok || err != nil {
			t.Fatalf("%s: a fresh claim by %s over %s's = %v, %v; want false", platform, loser, winner, ok, err)
		}
		if ok, err := f.store.ClaimPost(ctx, r.ID, platform, winner, testLease); !ok || err != nil {
			t.Fatalf("%s: renewal by the holder %s = %v, %v; want true", platform, winner, ok, err)
		}
	}
}

// TestClaimPostLapses: a claim holds for its lease from the last renewal;
// once it lapses another claimant takes it over, and the old holder has
// lost it.
func TestClaimPostLapses(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.reach(t, Pending)
	claim := func(by string) bool {
		t.Helper()
		ok, err := f.store.ClaimPost(ctx, r.ID, "slack", by, testLease)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("bot-a") {
		t.Fatal("the first claim lost")
	}
	f.clock.Advance(testLease / 2)
	if !claim("bot-a") {
		t.Fatal("the holder could not renew")
	}
	f.clock.Advance(testLease/2 + time.Second) // past the first lease, inside the renewed one
	if claim("bot-b") {
		t.Fatal("a renewed claim was taken over before its lease ran out")
	}
	f.clock.Advance(testLease/2 - time.Second - time.Nanosecond) // the last instant of the renewed lease
	if claim("bot-b") {
		t.Fatal("a claim was taken over before its lease ran out")
	}
	f.clock.Advance(time.Nanosecond)
	if !claim("bot-b") {
		t.Fatal("a lapsed claim with no post could not be taken over")
	}
	if claim("bot-a") {
		t.Fatal("the old holder renewed a claim taken over by another")
	}
}

// TestClaimPostNotTakenOverOncePosted: a holder that recorded its post
// keeps the claim for good, however long ago it stopped renewing; posts
// by others (a confirm prompt in the requester's channel) or on another
// platform do not count.
func TestClaimPostNotTakenOverOncePosted(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.reach(t, Pending)
	if ok, err := f.store.ClaimPost(ctx, r.ID, "slack", "bot-a", testLease); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	for _, p := range []Post{
		{RequestID: r.ID, Platform: "slack", Channel: "D-alice", MessageID: "1", PostedBy: "bot-c"},
		{RequestID: r.ID, Platform: "discord", Channel: "99", MessageID: "2", PostedBy: "bot-a"},
	} {
		if err := f.store.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(testLease)
	if ok, err := f.store.ClaimPost(ctx, r.ID, "slack", "bot-b", testLease); !ok || err != nil {
		t.Fatalf("others' posts kept a lapsed claim from being taken over: %v %v", ok, err)
	}
	if err := f.store.AddPost(ctx, Post{RequestID: r.ID, Platform: "slack", Channel: "C-approvals", MessageID: "3", PostedBy: "bot-b"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	if ok, err := f.store.ClaimPost(ctx, r.ID, "slack", "bot-a", testLease); ok || err != nil {
		t.Fatalf("a posted claim was taken over: %v %v", ok, err)
	}
}

func TestClaimPostRefusesBadArguments(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.reach(t, Pending)
	for name, call := range map[string]func() (bool, error){
		"no platform":    func() (bool, error) { return f.store.ClaimPost(ctx, r.ID, "", "bot-a", testLease) },
		"no claimant":    func() (bool, error) { return f.store.ClaimPost(ctx, r.ID, "slack", "", testLease) },
		"no lease":       func() (bool, error) { return f.store.ClaimPost(ctx, r.ID, "slack", "bot-a", 0) },
		"unknown id":     func() (bool, error) { return f.store.ClaimPost(ctx, "r-zzzzzzzz", "slack", "bot-a", testLease) },
		"negative lease": func() (bool, error) { return f.store.ClaimPost(ctx, r.ID, "slack", "bot-a", -time.Second) },
	} {
		ok, err := call()
		if ok || err == nil {
			t.Errorf("%s: claim = %v, %v; want an error", name, ok, err)
		}
		if (name == "unknown id") != errors.Is(err, ErrNotFound) {
			t.Errorf("%s: err = %v; only an unknown id is not found", name, err)
		}
	}
	if ok, err := f.store.ClaimPost(ctx, r.ID, "slack", "bot-a", testLease); !ok || err != nil {
		t.Fatalf("a refused claim was recorded: %v %v", ok, err)
	}
}
