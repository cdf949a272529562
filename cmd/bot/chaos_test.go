package main

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
	"github.com/vpsops/vpsops/internal/pgtest"
)

// TestChaos is the scale-out chaos test (issue 11): three real bot
// processes on one PostgreSQL database serve one Slack workspace. 200
// reboots, each waiting for an approver, are raised through all three;
// approvers press Approve through all three at once, a fifth of them
// twice (see approveAll); replica B is killed with SIGKILL while it runs
// some of them. Then every request ran at most once, those B was running
// are interrupted and audited so, the audit chain verifies, every
// approval message shows its request's final state and every requester
// was told once how theirs ended, and the singleton duties B held moved
// (assertGatewayMoved).
//
// Deadlines only bound a hang; the figures (t.Logf, -v) are measured,
// not asserted.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos test: three bot processes on PostgreSQL for about 40 s")
	}
	pg := pgtest.URL(t)
	dir := t.TempDir()
	ws := newWorkspace(t)
	targets, providers := chaosTargets(t, chaosRequests)
	config := writeChaosConfig(t, dir, pg, ws, providers)
	obs := openObserver(t, pg, []byte(chaosKey))
	// B starts first and takes the singleton duties (the Discord gateway
	// and the sweep), so that killing it shows them move.
	killed := startReplicas(t, config, dir, "B")[0]
	awaitDuties(t, ws, obs, killed)
	survivors := startReplicas(t, config, dir, "A", "C")
	rs := []*replica{survivors[0], killed, survivors[1]}

	began := time.Now()
	posts := raise(t, ws, obs, rs, targets)
	t.Logf("all %d approval requests posted once, %s after the first /vps", len(posts), since(began))
	logPosters(t, obs, rs, posts)

	approving := time.Now()
	deciders := approveAll(t, ws, rs, posts)
	t.Logf("%d presses on %d requests delivered through 3 replicas in %s", pressCount(len(posts)), len(posts), since(approving))

	atKill := obs.until(t, "every request is claimed and replica B runs some", time.Minute, func(reqs map[string]approval.Request) bool {
		onB := 0
		for _, r := range reqs {
			switch {
			case r.State == approval.Pending || r.State == approval.Approved:
				return false // a press on B not handled yet: B must have every request it will run
			case r.State == approval.Executing && killed.runs(r.Executor):
				onB++
			}
		}
		return onB > 0
	})
	running := map[string]bool{}
	for id, r := range atKill {
		if r.State == approval.Executing && killed.runs(r.Executor) {
			running[id] = true
		}
	}
	killed.kill(t)
	killedAt := time.Now()
	duties := watchDuties(t, obs, killed, survivors, killedAt)
	t.Logf("SIGKILL to replica B (pid %d) while it ran %d requests, %s after the first press", killed.pid(), len(running), killedAt.Sub(approving).Round(time.Millisecond))

	final := obs.until(t, "every request has ended", 150*time.Second, func(reqs map[string]approval.Request) bool {
		for _, r := range reqs {
			if !r.State.Terminal() {
				return false
			}
		}
		return true
	})
	logEndings(t, rs, final, approving, killedAt)

	assertRanAtMostOnce(t, obs, final)
	assertKilledOnesInterrupted(t, final, running, killed, deciders)
	assertGatewayMoved(t, ws, duties)
	waitShown(t, ws, "every approval message shows its request's final state", final, staleMessages)
	waitShown(t, ws, "every requester is told once how their request ended", final, untoldRequesters)

	for _, r := range survivors {
		r.stop(t)
	}
	// Nobody edits anything any more: what the channel shows now is what
	// people are left with.
	st := ws.fake.State()
	for _, wrong := range [][]string{staleMessages(st, final), untoldRequesters(st, final)} {
		if len(wrong) > 0 {
			t.Errorf("after the replicas stopped, %d messages are wrong, e.g. %s", len(wrong), wrong[0])
		}
	}
	rep, err := obs.audit.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("the audit chain does not verify: %v", err)
	}
	t.Logf("audit chain verified: %d records", rep.Records)
}

// raise asks for a reboot of every target, spread over the replicas and
// the requesters, and waits until each request is posted in #approvals.
// It returns the approval message of each request, by request id.
func raise(t *testing.T, ws *workspace, obs *observer, rs []*replica, targets []string) map[string]string {
	t.Helper()
	ctx := t.Context()
	each(len(targets), 12, func(i int) {
		if err := ws.slash(ctx, rs[i%len(rs)], requester(i%chaosRequesters), "reboot "+targets[i]); err != nil {
			t.Error(err)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second) // bounds a hang; measures nothing
	defer cancel()
	st, err := ws.fake.Wait(wctx, func(st slacktest.State) bool {
		return len(approvalMessages(st)) >= len(targets) || slowedDown(st) != ""
	})
	if who := slowedDown(st); who != "" {
		t.Fatalf("the bot told %s to slow down: the test sends more than a person may", who)
	}
	if err != nil {
		t.Fatalf("%d of %d requests posted in #approvals: %v", len(approvalMessages(st)), len(targets), err)
	}
	posts := map[string]string{}
	for id, ms := range approvalMessages(st) {
		if id == "" || len(ms) != 1 {
			t.Fatalf("request %q has %d messages in #approvals, want 1", id, len(ms))
		}
		posts[id] = ms[0].TS
	}
	// The store holds the requests raised, one per target, each waiting
	// for an approver and posted.
	reqs, err := obs.requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	asked := map[string]bool{}
	for id, r := range reqs {
		if _, ok := posts[id]; !ok || r.State != approval.Pending || asked[r.Target] {
			t.Fatalf("request %s (%s of %s) is %s; posted: %v", id, r.Command, r.Target, r.State, ok)
		}
		asked[r.Target] = true
	}
	if len(reqs) != len(targets) {
		t.Fatalf("%d requests stored for %d raised", len(reqs), len(targets))
	}
	return posts
}

// approveAll has the approvers press Approve on every posted request,
// through all replicas at once, and returns who approved each. Every
// fifth request is pressed twice: one signed press delivered to two
// replicas at once (Slack retrying at another replica), two clicks to
// one replica at once (a double click), or one signed press delivered
// twice to one replica (Slack retrying there).
func approveAll(t *testing.T, ws *workspace, rs []*replica, posts map[string]string) map[string]string {
	t.Helper()
	ctx := t.Context()
	ids := make([]string, 0, len(posts))
	for id := range posts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	deciders := map[string]string{}
	for i, id := range ids {
		deciders[id] = approver(i % chaosApprovers)
	}
	each(len(ids), 24, func(i int) {
		id, user := ids[i], deciders[ids[i]]
		r, other := rs[i%len(rs)], rs[(i+1)%len(rs)]
		clicks := 1
		if i%20 == 7 {
			clicks = 2
		}
		bodies, err := ws.approveClicks(user, posts[id], clicks)
		if err != nil {
			t.Errorf("%s pressing Approve on request %s: %v", user, id, err)
			return
		}
		press := ws.sign(bodies[0])
		deliveries := []func() error{func() error { return ws.deliver(ctx, r, press) }}
		switch {
		case i%10 == 3:
			deliveries = append(deliveries, func() error { return ws.deliver(ctx, other, press) })
		case i%20 == 7:
			second := ws.sign(bodies[1])
			deliveries = append(deliveries, func() error { return ws.deliver(ctx, r, second) })
		case i%20 == 17:
			deliveries = append(deliveries, func() error { return ws.deliver(ctx, r, press) })
		}
		each(len(deliveries), len(deliveries), func(j int) {
			if err := deliveries[j](); err != nil {
				t.Error(err)
			}
		})
	})
	if t.Failed() {
		t.FailNow()
	}
	return deciders
}

// pressCount is how many presses approveAll delivers for n requests.
func pressCount(n int) int {
	extra := 0
	for i := range n {
		if i%10 == 3 || i%10 == 7 {
			extra++
		}
	}
	return n + extra
}

// each calls fn(0) to fn(n-1) on at most workers goroutines at once and
// returns when all have returned.
func each(n, workers int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
