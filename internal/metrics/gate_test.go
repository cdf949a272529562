package metrics_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/metrics/metricstest"
)

const transitions = "vpsops_gate_transitions_total"

// The gauge of waiting requests is read from the store at scrape time,
// and each transition this process makes is counted once.
func TestGateTransitionsAndWaitingRequests(t *testing.T) {
	m := metrics.New()
	a := openApp(t, dbPath(t), m, app.Options{})
	alice, bob := shell("alice"), shell("bob")
	ctx := context.Background()
	pending := func(confirming, pending int) {
		t.Helper()
		want := "# HELP vpsops_approvals_pending Gated requests waiting now, cluster-wide: for the requester's confirmation (confirming) or an approver (pending).\n" +
			"# TYPE vpsops_approvals_pending gauge\n" +
			"vpsops_approvals_pending{state=\"confirming\"} " + strconv.Itoa(confirming) + "\n" +
			"vpsops_approvals_pending{state=\"pending\"} " + strconv.Itoa(pending) + "\n"
		if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "vpsops_approvals_pending"); err != nil {
			t.Fatal(err)
		}
	}
	pending(0, 0)

	// demo-nyc plays production: a delete there is confirmed, then approved.
	id := must(t, a, alice, "delete demo-nyc/nyc-201").Pending.ID
	pending(1, 0)
	if _, err := a.Runner.Confirm(ctx, alice, id); err != nil {
		t.Fatal(err)
	}
	pending(0, 1)
	if _, err := a.Runner.Decide(ctx, bob, id, true, ""); err != nil {
		t.Fatal(err)
	}
	pending(0, 0)

	denied := must(t, a, alice, "delete demo-nyc/nyc-202").Pending.ID
	if _, err := a.Runner.Confirm(ctx, alice, denied); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Runner.Decide(ctx, bob, denied, false, "not today"); err != nil {
		t.Fatal(err)
	}
	cancelled := must(t, a, alice, "poweroff demo-fra/fra-103").Pending.ID
	if _, err := a.Runner.Cancel(ctx, alice, cancelled); err != nil {
		t.Fatal(err)
	}
	// A lost race changes nothing, and counts no transition.
	if _, err := a.Runner.Cancel(ctx, alice, cancelled); err == nil {
		t.Fatal("a request was cancelled twice")
	}

	for ev, want := range map[approval.Event]float64{
		approval.EventCreated: 3, approval.EventConfirmed: 2, approval.EventApproved: 1, approval.EventDenied: 1,
		approval.EventCancelled: 1, approval.EventExecuting: 1, approval.EventFinished: 1, approval.EventExpired: 0,
	} {
		metricstest.Want(t, m.Registry(), want, transitions, "event", string(ev))
	}
	metricstest.Want(t, m.Registry(), 2, commandsTotal, "command", "delete", "outcome", commands.OutcomeNeedsApproval)
	metricstest.Want(t, m.Registry(), 1, commandsTotal, "command", "delete", "outcome", commands.OutcomeOK)
	metricstest.Want(t, m.Registry(), 1, commandsTotal, "command", "cancel", "outcome", commands.OutcomeRejected)
}

// Two replicas on one database: the one whose sweep expires a request
// counts the expiry; the other hears of it through the feed and counts
// nothing, so that a sum over replicas is the number of expiries.
func TestAReplicaCountsOnlyTheTransitionsItMade(t *testing.T) {
	db := dbPath(t)
	mA, mB := metrics.New(), metrics.New()
	a := openApp(t, db, mA, app.Options{})
	// B's clock runs past every confirmation's deadline.
	b := openApp(t, db, mB, app.Options{Clock: func() time.Time { return time.Now().Add(time.Hour) }})

	id := must(t, a, shell("alice"), "poweroff demo-fra/fra-104").Pending.ID

	heard := make(chan struct{})
	var once sync.Once
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		a.Runner.Watch(ctx, 5*time.Millisecond, time.Second, func(n commands.Notice) {
			if n.ID == id && n.Event == approval.EventExpired {
				once.Do(func() { close(heard) })
			}
		})
	}()
	go func() { defer wg.Done(); b.Runner.Watch(ctx, 5*time.Millisecond, time.Second, nil) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	select {
	case <-heard:
	case <-time.After(20 * time.Second): // bounds a hang; measures nothing
		t.Fatal("replica A never heard of the expiry")
	}

	metricstest.Want(t, mB.Registry(), 1, transitions, "event", string(approval.EventExpired))
	metricstest.Want(t, mA.Registry(), 0, transitions, "event", string(approval.EventExpired))
	metricstest.Want(t, mA.Registry(), 1, transitions, "event", string(approval.EventCreated))
	metricstest.Want(t, mB.Registry(), 0, transitions, "event", string(approval.EventCreated))
}
