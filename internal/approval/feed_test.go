package approval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestFeedSaysWhatHappenedInOrder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	start := f.ok2v(f.store.LatestVersion(ctx))
	r := f.create(t, true, true)
	f.ok(f.store.Confirm(ctx, r.ID, alice))
	f.ok(f.store.Approve(ctx, r.ID, bob))
	claimed := f.ok(f.store.Claim(ctx, r.ID, r.ArgsHash))
	if ok, err := f.store.ClaimPost(ctx, r.ID, "slack", "bot-1", testLease); !ok || err != nil {
		t.Fatalf("claim posting: %v %v", ok, err)
	}
	running := f.ok(f.store.ReportProgress(ctx, r.ID, Progress{Text: "installing", Percent: 40}))
	if cs, _ := f.store.Feed(ctx, claimed.Version, 0); len(cs) != 1 || cs[0].Event != EventProgress || cs[0].Version != running.Version {
		t.Fatalf("after progress the feed holds %+v", cs)
	}
	final := f.ok(f.store.Finish(ctx, r.ID, true, "reinstalled", "", ""))

	changes, err := f.store.Feed(ctx, start, 0)
	if err != nil {
		t.Fatal(err)
	}
	var events []Event
	for i, c := range changes {
		events = append(events, c.Event)
		if i > 0 && c.Version <= changes[i-1].Version {
			t.Fatalf("versions not increasing: %d after %d", c.Version, changes[i-1].Version)
		}
		if c.Request.ID != r.ID || c.Request.State != Succeeded {
			t.Fatalf("change %d shows %s in %s, want the request as it stands now", i, c.Request.ID, c.Request.State)
		}
	}
	// The progress event was superseded by the finish, and dropped.
	want := []Event{EventCreated, EventConfirmed, EventApproved, EventExecuting, EventFinished}
	if !slices.Equal(events, want) {
		t.Fatalf("events = %v, want %v (claiming a post is no event)", events, want)
	}
	if final.Version != changes[len(changes)-1].Version || claimed.Version >= final.Version {
		t.Fatalf("request versions: claimed %d, final %d, last event %d", claimed.Version, final.Version, changes[len(changes)-1].Version)
	}
	if final.Progress.Text != "installing" || final.Progress.Percent != 40 || final.Progress.At.IsZero() {
		t.Fatalf("progress = %+v", final.Progress)
	}
	if later, _ := f.store.Feed(ctx, final.Version, 0); len(later) != 0 {
		t.Fatalf("feed after the last version = %d changes", len(later))
	}
	if _, err := f.store.ReportProgress(ctx, r.ID, Progress{Text: "late"}); !errors.As(err, new(*ConflictError)) {
		t.Fatalf("progress of a finished request: %v, want a conflict", err)
	}
}

// Two processes write while a third polls the feed the way a watcher does,
// passing the last version it saw. It must end up with every event: no
// change may commit behind the poller's cursor.
func TestFeedMissesNothingUnderConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := newStore(t, openDB(t, f.path), f.clock, "inst-b")
	reader := newStore(t, openDB(t, f.path), f.clock, "inst-c")

	const perWriter = 40
	var wg sync.WaitGroup
	done := make(chan struct{})
	for _, s := range []*Store{f.store, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWriter {
				r, err := s.Create(ctx, newRequest(false, true))
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Approve(ctx, r.ID, bob); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	seen := map[int64]bool{}
	var cursor int64
	poll := func() {
		cs, err := reader.Feed(ctx, cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			seen[c.Version] = true
			cursor = c.Version
		}
	}
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		poll()
	}
	for before := -1; before != len(seen); {
		before = len(seen)
		poll()
	}
	all, err := reader.Feed(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2*2*perWriter {
		t.Fatalf("%d events stored, want %d", len(all), 4*perWriter)
	}
	for _, c := range all {
		if !seen[c.Version] {
			t.Fatalf("the poller never saw version %d (%s of %s)", c.Version, c.Event, c.Request.ID)
		}
	}
}

func TestPostsAreListedOncePerMessage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.create(t, false, true)
	for _, p := range []Post{
		{RequestID: r.ID, Platform: "slack", Channel: "C1", MessageID: "1700000000.000100"},
		{RequestID: r.ID, Platform: "slack", Channel: "C1", MessageID: "1700000000.000100", PostedBy: "other"},
		{RequestID: r.ID, Platform: "discord", Channel: "99", MessageID: "12345", PostedBy: "bot-b"},
	} {
		if err := f.store.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	posts, err := f.store.Posts(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range posts {
		got = append(got, fmt.Sprintf("%s/%s/%s by %s", p.Platform, p.Channel, p.MessageID, p.PostedBy))
	}
	want := []string{"discord/99/12345 by bot-b", "slack/C1/1700000000.000100 by inst-a"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("posts = %v, want %v", got, want)
	}
	if err := f.store.AddPost(ctx, Post{RequestID: "r-nothere", Platform: "slack", Channel: "C1", MessageID: "1"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("post of an unknown request: %v", err)
	}
	if err := f.store.AddPost(ctx, Post{RequestID: r.ID, Platform: "slack"}); err == nil {
		t.Fatal("a post without channel and message id was recorded")
	}
}

func (f *fixture) ok2v(v int64, err error) int64 {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}
