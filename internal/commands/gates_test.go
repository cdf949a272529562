package commands_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestRequestsExpireAndAreAudited(t *testing.T) {
	clk := &clock{t: time.Now()}
	a := newTestApp(t)
	// A runner on the same store with a clock the test drives.
	st, err := approval.Open(context.Background(), a.DB, approval.Options{Clock: clk.Now, Instance: "test-clock"})
	if err != nil {
		t.Fatal(err)
	}
	r := commands.NewRunner(commands.Options{Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: st, Clock: clk.Now})
	q := shellReq(alice)
	res, err := r.RunText(context.Background(), q, "delete demo-fra/fra-104")
	if err != nil {
		t.Fatal(err)
	}
	id := res.Pending.ID
	clk.Advance(6 * time.Minute) // past the 5-minute confirm window
	got := make(chan commands.Notice, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Watch(ctx, 5*time.Millisecond, time.Second, func(n commands.Notice) {
		if n.ID == id && n.State == approval.Expired {
			select {
			case got <- n:
			default:
			}
		}
	})
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the request never expired")
	}
	cancel()
	if _, err := r.RunText(context.Background(), q, "confirm "+id); fault.ClassOf(err) != fault.Conflict {
		t.Fatalf("confirm after expiry: %v", err)
	}
	st2 := a.stages(t, id)
	if strings.Join(st2, ",") != "requested,confirm_requested,expired,rejected" { // the late confirm is recorded
		t.Fatalf("stages %v", st2)
	}
}

// bareDriver can only list: every other command must be refused before
// any gate, naming what to do instead.
type bareDriver struct{ fail bool }

func (d bareDriver) ListServers(ctx context.Context) ([]driver.Server, error) {
	if d.fail {
		return nil, fault.Errorf(fault.Unavailable, "HTTP 503 from the API")
	}
	return []driver.Server{{ID: "x1", Name: "solo", Status: driver.StatusRunning}}, nil
}
func (d bareDriver) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	return &driver.Server{ID: id, Name: "solo", Status: driver.StatusRunning}, nil
}

func runnerWith(t *testing.T, a *testApp, ps ...*providers.Provider) *commands.Runner {
	t.Helper()
	reg, err := providers.NewRegistry(ps...)
	if err != nil {
		t.Fatal(err)
	}
	return commands.NewRunner(commands.Options{Fleet: reg, Policy: a.Policy, Audit: a.Audit, Approvals: a.Approvals})
}

// adminPolicy makes shell:root an admin everywhere, on top of the defaults.
func adminPolicy(t *testing.T) func(*config.Config) {
	path := filepath.Join(t.TempDir(), "policy.csv")
	if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+"\ng, shell:root, admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(c *config.Config) { c.Policy.Policy = path }
}

func TestUnsupportedIsRefusedBeforeTheGate(t *testing.T) {
	a := newTestApp(t, adminPolicy(t))
	r := runnerWith(t, a, providers.New("mini", "mini", bareDriver{}, providers.Options{}))
	for _, line := range []string{"reboot mini/x1", "delete mini/x1", "reinstall mini/x1 debian-12", "console mini/x1", "snapshots mini/x1"} {
		res, err := r.RunText(context.Background(), shellReq("shell:root"), line)
		if fault.ClassOf(err) != fault.Unsupported {
			t.Errorf("%s: %v %+v, want unsupported", line, err, res.Pending)
			continue
		}
		if !strings.Contains(err.Error(), "has no") && !strings.Contains(err.Error(), "cannot") {
			t.Errorf("%s: unclear error %q", line, err)
		}
	}
	if res, err := r.RunText(context.Background(), shellReq("shell:root"), "status mini/x1"); err != nil || !strings.Contains(res.Title, "running") {
		t.Fatalf("status: %v", err)
	}
}

func TestListIsPartialWhenAProviderFails(t *testing.T) {
	a := newTestApp(t, adminPolicy(t))
	r := runnerWith(t, a,
		providers.New("good", "mini", bareDriver{}, providers.Options{}),
		providers.New("down", "mini", bareDriver{fail: true}, providers.Options{ReadRetries: -1}))
	res, err := r.RunText(context.Background(), shellReq("shell:root"), "list")
	if err != nil {
		t.Fatal(err)
	}
	if res.Table == nil || len(res.Table.Rows) != 1 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "down") {
		t.Fatalf("list = %s", commands.Plain(res, true))
	}
	contains(t, res.Title, "partial")
}

// A shell user sees only the demo fleet in `list`, even when real
// providers are configured beside it.
func TestListFiltersByPolicy(t *testing.T) {
	a := newTestApp(t)
	r := runnerWith(t, a,
		providers.New("demo-x", "mini", bareDriver{}, providers.Options{}),
		providers.New("prod", "mini", bareDriver{}, providers.Options{}))
	res, err := r.RunText(context.Background(), shellReq(alice), "list")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Table.Rows) != 1 || res.Table.Rows[0][0] != "demo-x/x1" {
		t.Fatalf("list = %s", commands.Plain(res, true))
	}
	if err := errors.Unwrap(nil); err != nil {
		t.Fatal(err)
	}
}

// A process claimed an approved delete and died mid-way: another process's
// watcher marks it interrupted, audits it, and it never runs again.
func TestDeadExecutorIsReportedInterrupted(t *testing.T) {
	clk := &clock{t: time.Now()}
	a := newTestApp(t)
	ctx := context.Background()
	open := func(instance string) *approval.Store {
		st, err := approval.Open(ctx, a.DB, approval.Options{Clock: clk.Now, Instance: instance, Lease: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	dead, live := open("dead-process"), open("live-process")
	r := commands.NewRunner(commands.Options{Fleet: a.Fleet, Policy: a.Policy, Audit: a.Audit, Approvals: live, Clock: clk.Now})
	res, err := r.RunText(ctx, shellReq(alice), "delete demo-fra/fra-104")
	if err != nil {
		t.Fatal(err)
	}
	id := res.Pending.ID
	req, err := dead.Confirm(ctx, id, alice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dead.Claim(ctx, id, req.ArgsHash); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Second) // the dead process stopped renewing
	got := make(chan commands.Notice, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go r.Watch(wctx, 5*time.Millisecond, time.Second, func(n commands.Notice) {
		if n.ID == id && n.State == approval.Interrupted {
			select {
			case got <- n:
			default:
			}
		}
	})
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the interrupted request was never reported")
	}
	cancel()
	if st := a.stages(t, id); st[len(st)-1] != "interrupted" {
		t.Fatalf("stages %v", st)
	}
	if _, err := r.RunText(ctx, shellReq(alice), "status demo-fra/fra-104"); err != nil {
		t.Fatalf("the server was touched: %v", err)
	}
}
