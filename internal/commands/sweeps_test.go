package commands_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// A replica that does not hold the sweeper duty expires nothing, yet its
// watcher goes on reporting the feed; once it holds the duty it sweeps.
func TestOnlyTheSweeperSweepsAndEveryReplicaReadsTheFeed(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	a := newTestApp(t)
	st, err := approval.Open(ctx, a.DB, approval.Options{Clock: clk.Now, Instance: "replica"})
	if err != nil {
		t.Fatal(err)
	}
	var sweeper atomic.Bool
	var rounds atomic.Int64
	r := commands.NewRunner(commands.Options{Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: st, Clock: clk.Now,
		Sweeps: func() bool { rounds.Add(1); return sweeper.Load() }})
	q := shellReq(alice)
	res, err := r.RunText(ctx, q, "delete demo-fra/fra-104")
	if err != nil {
		t.Fatal(err)
	}
	overdue := res.Pending.ID
	clk.Advance(6 * time.Minute) // past the 5-minute confirm window

	notices := make(chan commands.Notice, 100)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go r.Watch(wctx, 5*time.Millisecond, time.Second, func(n commands.Notice) { notices <- n })
	waitRounds := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second) // bounds a hang; measures nothing
		for rounds.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("the watcher made %d rounds, waiting for %d", rounds.Load(), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitNotice := func(what string, match func(commands.Notice) bool) {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case n := <-notices:
				if n.ID == overdue && n.State == approval.Expired && !sweeper.Load() {
					t.Fatal("a replica that is not the sweeper expired a request")
				}
				if match(n) {
					return
				}
			case <-timeout:
				t.Fatalf("no notice of %s", what)
			}
		}
	}

	waitRounds(1) // the watcher reads the feed from here on
	res, err = r.RunText(ctx, q, "delete demo-fra/fra-103")
	if err != nil {
		t.Fatal(err)
	}
	fresh := res.Pending.ID
	waitNotice("the new request", func(n commands.Notice) bool { return n.ID == fresh })
	from := rounds.Load()
	waitRounds(from + 3)
	if req, err := st.Get(ctx, overdue); err != nil || req.State != approval.Confirming {
		t.Fatalf("after three rounds without the duty the overdue request is %v (%v)", req.State, err)
	}

	sweeper.Store(true)
	waitNotice("the expiry", func(n commands.Notice) bool { return n.ID == overdue && n.State == approval.Expired })
	if req, err := st.Get(ctx, fresh); err != nil || req.State != approval.Confirming {
		t.Fatalf("the sweep took the fresh request too: %v (%v)", req.State, err)
	}
}

// A replica that takes the sweeper duty over does not judge the leases
// that lapsed before it held it (nobody may have been able to renew): it
// watches one whole lease first.
func TestATakenOverSweeperWatchesALeaseBeforeJudging(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	a := newTestApp(t)
	open := func(instance string) *approval.Store {
		st, err := approval.Open(ctx, a.DB, approval.Options{Clock: clk.Now, Instance: instance, Lease: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	executor, replica := open("executor"), open("replica")
	var holds atomic.Bool
	var rounds atomic.Int64
	r := commands.NewRunner(commands.Options{Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: replica, Clock: clk.Now,
		Sweeps: func() bool { rounds.Add(1); return holds.Load() }})
	res, err := r.RunText(ctx, shellReq(alice), "delete demo-fra/fra-104")
	if err != nil {
		t.Fatal(err)
	}
	id := res.Pending.ID
	req, err := executor.Confirm(ctx, id, alice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := executor.Claim(ctx, id, req.ArgsHash); err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second) // the executor's lease lapsed while nobody swept

	interrupted := make(chan struct{})
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go r.Watch(wctx, 5*time.Millisecond, time.Second, func(n commands.Notice) {
		if n.ID == id && n.State == approval.Interrupted {
			close(interrupted)
		}
	})
	holds.Store(true)
	for start := rounds.Load(); rounds.Load() < start+5; {
		time.Sleep(time.Millisecond) // five rounds as the holder
	}
	if got, _ := replica.Get(ctx, id); got.State != approval.Executing {
		t.Fatalf("the new sweeper judged a lease at once: %s", got.State)
	}
	clk.Advance(2 * time.Second) // it has watched a whole lease: the executor is dead
	select {
	case <-interrupted:
	case <-time.After(30 * time.Second):
		t.Fatal("the interrupted request was never reported")
	}
}

// A sweeper that dies between expiring a request and auditing it leaves
// the request expired and the trail silent: the next replica to sweep
// records it, once, however many start sweeping together.
func TestTheNextSweeperAuditsWhatADeadOneLeftOut(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Now()}
	a := newTestApp(t)
	dead, err := approval.Open(ctx, a.DB, approval.Options{Clock: clk.Now, Instance: "dead-sweeper"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Runner.RunText(ctx, shellReq(alice), "delete demo-nyc/nyc-201")
	if err != nil {
		t.Fatal(err)
	}
	id := res.Pending.ID
	clk.Advance(time.Hour)
	// The dead sweeper's transition committed; its audit record never was.
	if expired, _, err := dead.Sweep(ctx); err != nil || len(expired) != 1 {
		t.Fatalf("sweep: %d expired, %v", len(expired), err)
	}
	if st := a.stages(t, id); slices.Contains(st, "expired") {
		t.Fatalf("stages %v already hold the expiry", st)
	}

	var wg sync.WaitGroup
	for i := range 3 {
		st, err := approval.Open(ctx, a.DB, approval.Options{Clock: clk.Now, Instance: fmt.Sprintf("replica-%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		var rounds atomic.Int64
		r := commands.NewRunner(commands.Options{Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: st, Clock: clk.Now,
			Sweeps: func() bool { rounds.Add(1); return true }})
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); r.Watch(wctx, 5*time.Millisecond, time.Second, nil) }()
		wg.Go(func() {
			for rounds.Load() < 3 {
				time.Sleep(time.Millisecond)
			}
			cancel()
			<-done
		})
	}
	wg.Wait()
	if n := count(a.stages(t, id), "expired"); n != 1 {
		t.Fatalf("stages %v: the expiry recorded %d times, want once", a.stages(t, id), n)
	}
}
