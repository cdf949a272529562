package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
	"github.com/vpsops/vpsops/internal/pgtest"
)

// TestChaos is the scale-out chaos test (issue 11): three real bot
// processes on one PostgreSQL database serve one Slack workspace. 200
// reboots, each waiting for an approver, are raised through all three;
// approvers press Approve through all three at once, a fifth of them
// twice (one signed press delivered to two replicas, or two clicks to
// one); replica B is killed with SIGKILL while it runs some of them.
// Then every request ran at most once, those B was running are
// interrupted and audited so, the audit chain verifies, every approval
// message shows its request's final state, and the singleton duties B
// held moved (assertGatewayMoved).
//
// Deadlines only bound a hang; the figures (t.Logf, -v) are measured,
// not asserted.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos test: three bot processes on PostgreSQL for about a minute")
	}
	pg := pgtest.URL(t)
	dir := t.TempDir()
	ws := newWorkspace(t)
	targets, providers := chaosTargets(t, chaosRequests)
	config := writeChaosConfig(t, dir, pg, ws, providers)
	obs := openObserver(t, pg, []byte(chaosKey))
	rs := startReplicas(t, config, dir, "A", "B", "C")
	killed, survivors := rs[1], []*replica{rs[0], rs[2]}

	began := time.Now()
	posts := raise(t, ws, obs, rs, targets)
	t.Logf("all %d approval requests posted once, %s after the first /vps", len(posts), since(began))

	approving := time.Now()
	deciders := approveAll(t, ws, rs, posts)
	t.Logf("%d requests approved with %d presses through 3 replicas in %s", len(posts), pressCount(len(posts)), since(approving))

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
	t.Logf("SIGKILL to replica B (pid %d) while it ran %d requests, %s after the first press", killed.pid(), len(running), killedAt.Sub(approving).Round(time.Millisecond))

	final := obs.until(t, "every request has ended", 150*time.Second, func(reqs map[string]approval.Request) bool {
		for _, r := range reqs {
			if !r.State.Terminal() {
				return false
			}
		}
		return true
	})
	logEndings(t, final, approving, killedAt)
	var executors []string
	for _, r := range final {
		executors = append(executors, r.Executor)
	}
	t.Logf("requests run by replica %s", perReplica(rs, executors))

	assertRanAtMostOnce(t, obs, final)
	assertKilledOnesInterrupted(t, final, running, killed, deciders)
	assertGatewayMoved(t, killed, survivors)
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
	var posters []string
	for id := range posts {
		ps, err := obs.approvals.Posts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			posters = append(posters, p.PostedBy)
		}
	}
	t.Logf("approval messages posted by replica %s", perReplica(rs, posters))
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

// perReplica counts process instances (an executor, a poster) by the
// replica they name: "A 67, B 66, C 67".
func perReplica(rs []*replica, instances []string) string {
	var out []string
	for _, r := range rs {
		n := 0
		for _, in := range instances {
			if r.runs(in) {
				n++
			}
		}
		out = append(out, fmt.Sprintf("%s %d", r.name, n))
	}
	return strings.Join(out, ", ")
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

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// logEndings reports how the requests ended and how long it took.
func logEndings(t *testing.T, final map[string]approval.Request, approving, killedAt time.Time) {
	t.Helper()
	var lastDone, firstCaught, lastCaught time.Time
	for _, r := range final {
		if r.State != approval.Interrupted {
			lastDone = later(lastDone, r.UpdatedAt)
			continue
		}
		if firstCaught.IsZero() || r.UpdatedAt.Before(firstCaught) {
			firstCaught = r.UpdatedAt
		}
		lastCaught = later(lastCaught, r.UpdatedAt)
	}
	t.Logf("requests by final state: %v", byState(final))
	t.Logf("from the first press, the last request that ran ended after %s", lastDone.Sub(approving).Round(time.Millisecond))
	if !firstCaught.IsZero() {
		t.Logf("interruptions recorded %s to %s after the SIGKILL (the approval lease is 30 s)",
			firstCaught.Sub(killedAt).Round(time.Millisecond), lastCaught.Sub(killedAt).Round(time.Millisecond))
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// assertRanAtMostOnce checks each request against the store's history
// and the audit trail: one approval, at most one claim to run it, at
// most one executed record, and an ending that agrees with both.
func assertRanAtMostOnce(t *testing.T, obs *observer, final map[string]approval.Request) {
	t.Helper()
	stages := obs.untilAudited(t, final, time.Minute)
	claims, err := obs.claims(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for id, r := range final {
		st := stages[id]
		refused += st[audit.StageRejected]
		if claims[id] != 1 || st[audit.StageApproved] != 1 {
			t.Errorf("request %s (%s): claimed %d times, approved %d times; want once each", id, r.State, claims[id], st[audit.StageApproved])
		}
		want := map[audit.Stage]int{audit.StageExecuted: 1, audit.StageInterrupted: 0}
		if r.State == approval.Interrupted {
			want = map[audit.Stage]int{audit.StageExecuted: 0, audit.StageInterrupted: 1}
		}
		for stage, n := range want {
			if st[stage] != n {
				t.Errorf("request %s (%s) has %d %s audit records, want %d", id, r.State, st[stage], stage, n)
			}
		}
	}
	// A press Slack delivers twice to one replica acts once there (its
	// replay guard); every other second press reaches the store, loses,
	// and is on the record as rejected.
	t.Logf("%d second presses lost to the first and audited as rejected", refused)
}

// assertKilledOnesInterrupted checks how each request ended: those the
// killed replica was running are interrupted (one may have finished in
// the instant before the signal), every other one succeeded, and each
// was decided by the approver who pressed.
func assertKilledOnesInterrupted(t *testing.T, final map[string]approval.Request, running map[string]bool, killed *replica, deciders map[string]string) {
	t.Helper()
	interrupted := 0
	for id, r := range final {
		if want := slackPrincipal(deciders[id]); r.DecidedBy != want {
			t.Errorf("request %s was decided by %q, want %q", id, r.DecidedBy, want)
		}
		switch {
		case running[id] && r.State == approval.Interrupted:
			interrupted++
		case running[id] && r.State == approval.Succeeded && killed.runs(r.Executor):
			// It finished between the look at the table and the signal.
		case running[id]:
			t.Errorf("request %s, running on the killed replica, ended %s (executor %s)", id, r.State, r.Executor)
		case r.State != approval.Succeeded:
			t.Errorf("request %s ended %s (executor %s, error %q); only the killed replica's may be interrupted", id, r.State, r.Executor, r.Error)
		}
	}
	if interrupted == 0 {
		t.Errorf("none of the %d requests the killed replica ran is interrupted", len(running))
	}
}

// assertGatewayMoved is where the chaos test checks that the singleton
// duties the killed replica held (the Discord gateway, the expiry sweep)
// were taken over by a survivor. Those duties and their lease election
// are not on this branch yet: every replica sweeps, and none serves
// Discord here. The duty assertion goes in this function when they land.
func assertGatewayMoved(t *testing.T, killed *replica, survivors []*replica) {
	t.Helper()
	t.Logf("gateway duty: not asserted yet (no singleton duties on this branch); killed %s, survivors %s and %s",
		killed.name, survivors[0].name, survivors[1].name)
}

// waitShown waits until Slack shows what, that is until wrong finds
// nothing wrong with it, and fails naming what is still wrong.
func waitShown(t *testing.T, ws *workspace, what string, final map[string]approval.Request, wrong func(slacktest.State, map[string]approval.Request) []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // bounds a hang; measures nothing
	defer cancel()
	st, err := ws.fake.Wait(ctx, func(st slacktest.State) bool { return len(wrong(st, final)) == 0 })
	if err != nil {
		w := wrong(st, final)
		t.Fatalf("gave up waiting until %s: %d wrong, e.g. %s", what, len(w), w[0])
	}
}

// staleMessages says, for each request whose approval messages are not
// exactly one showing its final state, what is wrong.
func staleMessages(st slacktest.State, final map[string]approval.Request) []string {
	var out []string
	msgs := approvalMessages(st)
	if n := len(st.Messages[chaosApprovals]); n != len(final) {
		out = append(out, fmt.Sprintf("#approvals holds %d messages for %d requests", n, len(final)))
	}
	for id, r := range final {
		if len(msgs[id]) != 1 {
			out = append(out, fmt.Sprintf("request %s has %d messages", id, len(msgs[id])))
			continue
		}
		if why := notFinal(msgs[id][0], r); why != "" {
			out = append(out, "request "+id+": "+why)
		}
	}
	slices.Sort(out)
	return out
}

// notFinal says how message m fails to show r as it ended: its state in
// the title, who decided it, how it ended, and no button left.
func notFinal(m slacktest.Message, r approval.Request) string {
	s := shown(m)
	decider := r.DecidedBy[strings.LastIndexByte(r.DecidedBy, ':')+1:]
	switch {
	case !strings.Contains(m.Text(), ": "+string(r.State)+" (request "+r.ID+")"):
		return "shows " + strings.TrimSpace(m.Text()) + "; the request is " + string(r.State)
	case strings.Contains(s, approveButton) || strings.Contains(s, denyButton):
		return "still shows buttons"
	case !strings.Contains(s, "<@"+decider+">"):
		return "does not name the approver " + decider
	case r.State == approval.Succeeded && !strings.Contains(s, "*Outcome*"):
		return "shows no outcome"
	case r.State == approval.Interrupted && !strings.Contains(s, r.Error):
		return "does not say why it was interrupted"
	}
	return ""
}

// untoldRequesters says, for each request whose requester was not told
// in #ops exactly once how it ended, what is wrong.
func untoldRequesters(st slacktest.State, final map[string]approval.Request) []string {
	told := map[string][]slacktest.Message{}
	for _, m := range st.Messages[chaosOps] {
		if id := titled.FindStringSubmatch(m.Text()); id != nil {
			told[id[1]] = append(told[id[1]], m)
		}
	}
	var out []string
	for id, r := range final {
		switch ms := told[id]; {
		case len(ms) != 1:
			out = append(out, fmt.Sprintf("the requester of %s was told %d times", id, len(ms)))
		case !strings.Contains(ms[0].Text(), ": "+string(r.State)+" (request "+id+")"):
			out = append(out, "the requester of "+id+" was told "+ms[0].Text()+"; it is "+string(r.State))
		}
	}
	slices.Sort(out)
	return out
}

// titled finds the request a message is about in its text, the view's
// title: "reboot demo-c01/c01-501: succeeded (request r-2evhjctg)".
var titled = regexp.MustCompile(`\(request (r-[0-9a-z]+)\)`)
