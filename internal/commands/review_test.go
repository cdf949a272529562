package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
)

// noticeLog collects watcher notices for assertions.
type noticeLog struct {
	mu sync.Mutex
	ns []commands.Notice
}

func (l *noticeLog) add(n commands.Notice) { l.mu.Lock(); l.ns = append(l.ns, n); l.mu.Unlock() }

// waitFor polls until some notice satisfies ok (bounded).
func (l *noticeLog) waitFor(t *testing.T, what string, ok func(commands.Notice) bool) commands.Notice {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		for _, n := range l.ns {
			if ok(n) {
				l.mu.Unlock()
				return n
			}
		}
		l.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never saw a notice: %s", what)
	return commands.Notice{}
}

// In a process serving many users (a chat bot), the approver's click must
// not run a request carrying the requester's secrets: the holder path
// runs it and hands the generated password to the requester alone.
func TestSecretRequestApprovedInTheSameProcessGoesToTheRequester(t *testing.T) {
	a := newTestApp(t)
	var log noticeLog
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Runner.Watch(ctx, 5*time.Millisecond, time.Second, log.add)

	q := shellReq(alice)
	id := a.run(t, q, "reinstall demo-nyc/nyc-201 debian-12").Pending.ID
	a.run(t, q, "confirm "+id)
	res := a.run(t, shellReq(bob), "approve "+id)
	if len(res.Secret) != 0 || !strings.Contains(res.Text, "only the requester sees") {
		t.Fatalf("approver result: %+v", res)
	}
	n := log.waitFor(t, "the run's result", func(n commands.Notice) bool { return n.ID == id && n.Result != nil })
	if n.Err != nil || len(n.Result.Secret) != 1 || n.Requester != alice || n.State != approval.Succeeded {
		t.Fatalf("notice = %+v err=%v", n, n.Err)
	}
}

// A long run by the watcher must not hide other changes: bob denies
// alice's delete while her approved reinstall runs, and she is told.
func TestWatcherReportsChangesDuringAHeldRun(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.Demo.Speed = 30 }) // reinstall ≈ 1 s
	var log noticeLog
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Runner.Watch(ctx, 5*time.Millisecond, time.Second, log.add)

	q := shellReq(alice)
	re := a.run(t, q, "reinstall demo-nyc/nyc-201 debian-12").Pending.ID
	a.run(t, q, "confirm "+re)
	del := a.run(t, q, "delete demo-nyc/nyc-202").Pending.ID
	a.run(t, q, "confirm "+del)
	a.run(t, shellReq(bob), "approve "+re)
	log.waitFor(t, "progress of the held run", func(n commands.Notice) bool { return n.ID == re && n.Progress != nil })
	a.run(t, shellReq(bob), "deny "+del+" not today")
	log.waitFor(t, "the denial", func(n commands.Notice) bool { return n.ID == del && n.State == approval.Denied })
	log.waitFor(t, "the reinstall's end", func(n commands.Notice) bool { return n.ID == re && n.Result != nil })
}

// A session that ends withdraws the gated requests only it could run.
func TestShutdownWithdrawsHeldRequests(t *testing.T) {
	a := newTestApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	// A watcher that never ticks: the approved request must not start
	// before the session ends.
	go func() { a.Runner.Watch(ctx, time.Hour, time.Second, nil); close(done) }()
	asked := a.run(t, shellReq(alice), "reinstall demo-nyc/nyc-201 debian-12").Pending
	if !strings.Contains(asked.Summary, "Keep this session open") {
		t.Fatalf("the requester is not told the request lives in their session: %q", asked.Summary)
	}
	// Confirmed and approved, but not yet run when the session ends.
	id := asked.ID
	a.run(t, shellReq(alice), "confirm "+id)
	if _, err := a.Approvals.Approve(context.Background(), id, bob); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	req, err := a.Approvals.Get(context.Background(), id)
	if err != nil || req.State != approval.Cancelled || !strings.Contains(req.DecisionNote, "session ended") {
		t.Fatalf("request after shutdown: %s %q %v", req.State, req.DecisionNote, err)
	}
	if v := a.Runner.View(req, alice); !strings.Contains(v.Summary, "session ended") {
		t.Fatalf("approval %s does not say why it was cancelled: %q", id, v.Summary)
	}
	if st := a.stages(t, id); st[len(st)-1] != "cancelled" {
		t.Fatalf("stages %v", st)
	}
}

// A reinstall the provider accepted but that could not be followed to the
// end still hands over the generated password, and says the outcome is
// unknown rather than inviting a retry.
func TestGeneratedPasswordSurvivesAFailedWait(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.Demo.Speed = 1 }) // 30 s reinstall
	r := commands.NewRunner(commands.Options{Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: a.Approvals, OperationTimeout: 50 * time.Millisecond})
	q := shellReq(alice)
	res, err := r.RunText(context.Background(), q, "reinstall demo-fra/fra-101 debian-12")
	if err != nil {
		t.Fatal(err)
	}
	res, err = r.RunText(context.Background(), q, "confirm "+res.Pending.ID)
	if err == nil || !strings.Contains(err.Error(), "outcome is unknown") || !strings.Contains(err.Error(), "status demo-fra/fra-101") {
		t.Fatalf("err = %v", err)
	}
	if len(res.Secret) != 1 || len(res.Secret[0].Value) < 16 {
		t.Fatalf("the generated password was lost: %+v", res.Secret)
	}
}

// Someone with no grant learns nothing about the fleet: no resolution,
// no "ambiguous" list of ids.
func TestNoGrantLearnsNothing(t *testing.T) {
	a := newTestApp(t)
	for _, line := range []string{"status web-1", "status api-1", "reboot demo-nyc/nyc-201"} {
		err := a.fail(t, shellReq("discord:999"), line)
		if fault.ClassOf(err) != fault.PermissionDenied || strings.Contains(err.Error(), "demo-") {
			t.Errorf("%s: %v", line, err)
		}
	}
}

func TestAuditFilterByProvider(t *testing.T) {
	a := newTestApp(t)
	a.run(t, shellReq(alice), "status demo-fra/fra-101")
	a.run(t, shellReq(alice), "status demo-nyc/nyc-201")
	res := a.run(t, shellReq(alice), "audit server=demo-fra/")
	for _, row := range res.Table.Rows {
		if strings.Contains(row[3], "demo-nyc") {
			t.Fatalf("demo-nyc record in a demo-fra/ query: %v", row)
		}
	}
	if len(res.Table.Rows) == 0 {
		t.Fatal("no records")
	}
}

// A name is matched only among the servers the caller may act on: no
// "ambiguous" list or resolution reveals another provider's server ids.
func TestNamesResolveAmongVisibleServersOnly(t *testing.T) {
	a := newTestApp(t, adminPolicy(t))
	r := runnerWith(t, a,
		providers.New("demo-x", "mini", bareDriver{}, providers.Options{}),
		providers.New("prod", "mini", bareDriver{}, providers.Options{}))
	// Both providers have a server named "solo"; alice sees only demo-x.
	res, err := r.RunText(context.Background(), shellReq(alice), "status solo")
	if err != nil || !strings.Contains(res.Title, "demo-x/x1") {
		t.Fatalf("alice: %v %+v", err, res.Title)
	}
	// root sees both: ambiguous, listing both.
	_, err = r.RunText(context.Background(), shellReq("shell:root"), "status solo")
	if err == nil || !strings.Contains(err.Error(), "demo-x/x1") || !strings.Contains(err.Error(), "prod/x1") {
		t.Fatalf("root: %v", err)
	}
}

// An image the provider does not offer is refused before the gate.
func TestUnknownImageRefusedBeforeTheGate(t *testing.T) {
	a := newTestApp(t)
	res, err := a.Runner.RunText(context.Background(), shellReq(alice), "reinstall demo-nyc/nyc-201 debian-99")
	if err == nil || res.Pending != nil || !strings.Contains(err.Error(), "offers no such image") || strings.Contains(err.Error(), "debian-99") || !strings.Contains(err.Error(), "debian-12") {
		t.Fatalf("res %+v err %v", res.Pending, err)
	}
	if n, _ := a.Approvals.List(context.Background(), approval.Filter{}); len(n) != 0 {
		t.Fatalf("%d requests stored", len(n))
	}
}

// An id typed without its provider gets the full reference suggested.
func TestBareIDSuggestsTheReference(t *testing.T) {
	a := newTestApp(t)
	err := a.fail(t, shellReq(alice), "status fra-101")
	if !strings.Contains(err.Error(), "did you mean demo-fra/fra-101?") {
		t.Fatalf("err = %v", err)
	}
}
