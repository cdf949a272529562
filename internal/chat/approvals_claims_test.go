package chat_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
)

// TestDeadPostersRequestIsPostedAfterTheLease: the process that won the
// claim to post a request hangs in its platform's Post (as good as dead);
// another process on the same database posts it once the claim's lease
// has lapsed, and not before.
func TestDeadPostersRequestIsPostedAfterTheLease(t *testing.T) {
	clk, path, ws := newTestClock(), newDB(t), newWorkspace()
	hung := &hangingPlatform{fakePlatform: &fakePlatform{ws: ws}, posting: make(chan struct{})}
	dead, live := startProcess(t, path, clk), startProcess(t, path, clk)
	deadApprovals := chat.New(dead.app.Runner, hung, nil)
	liveApprovals := chat.New(live.app.Runner, &fakePlatform{ws: ws}, nil)

	req := raiseIn(t, dead, "mcp:x", "poweroff demo-fra/fra-101")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { deadApprovals.Handle(ctx, dead.notice(t, req.ID, req.Version)) })
	select {
	case <-hung.posting: // it holds the claim, and never posts
	case <-time.After(20 * time.Second):
		t.Fatal("the first process never tried to post")
	}

	liveApprovals.Handle(ctx, live.notice(t, req.ID, req.Version))
	clk.Advance(commands.PostingLease - time.Nanosecond)
	liveApprovals.Retry(ctx)
	if n := len(ws.ids(req.ID)); n != 0 {
		t.Fatalf("posted %d times while another process's claim held", n)
	}
	clk.Advance(time.Nanosecond)
	liveApprovals.Retry(ctx)
	ids := ws.ids(req.ID)
	if len(ids) != 1 {
		t.Fatalf("posted %d times once the dead claim lapsed, want once", len(ids))
	}
	if got := ws.showing(ids[0]); got.State != approval.Pending || len(got.Actions) == 0 {
		t.Fatalf("taken-over post shows %s with actions %v, want pending with approve and deny", got.State, got.Actions)
	}
	posts, err := live.app.Runner.Posts(ctx, req.ID)
	if err != nil || len(posts) != 1 || posts[0].PostedBy != live.app.Runner.Instance() {
		t.Fatalf("recorded posts %+v (%v), want the live process's one", posts, err)
	}
}

// TestWaitingPosterKeepsItsClaim: a poster the platform told to wait
// (rate limited) renews its claim on every round, so nobody takes it
// over however long the wait.
func TestWaitingPosterKeepsItsClaim(t *testing.T) {
	clk, path, ws := newTestClock(), newDB(t), newWorkspace()
	limited := &rateLimitedPlatform{fakePlatform: &fakePlatform{ws: ws}}
	holder, other := startProcess(t, path, clk), startProcess(t, path, clk)
	holderApprovals := chat.New(holder.app.Runner, limited, nil)
	otherApprovals := chat.New(other.app.Runner, &fakePlatform{ws: ws}, nil)

	ctx := context.Background()
	req := raiseIn(t, holder, "mcp:x", "poweroff demo-fra/fra-101")
	holderApprovals.Handle(ctx, holder.notice(t, req.ID, req.Version))
	if limited.tries() != 1 {
		t.Fatalf("the holder tried to post %d times, want once", limited.tries())
	}
	otherApprovals.Handle(ctx, other.notice(t, req.ID, req.Version))
	for range 3 {
		clk.Advance(commands.PostingLease)
		holderApprovals.Retry(ctx)
		otherApprovals.Retry(ctx)
	}
	if n := len(ws.ids(req.ID)); n != 0 {
		t.Fatalf("another process posted %d times while the holder renewed its claim", n)
	}
}

// TestEachPlatformPostsOnce: two processes, each with a Slack and a
// Discord approvals channel, on one database: the request is posted once
// on each platform.
func TestEachPlatformPostsOnce(t *testing.T) {
	clk, path := newTestClock(), newDB(t)
	workspaces := map[string]*workspace{"slack": newWorkspace(), "discord": newWorkspace()}
	var procs []*process
	var all []*chat.Approvals
	for range 2 {
		p := startProcess(t, path, clk)
		procs = append(procs, p)
		for name, ws := range workspaces {
			all = append(all, chat.New(p.app.Runner, namedPlatform{&fakePlatform{ws: ws}, name}, nil))
		}
	}
	req := raiseIn(t, procs[0], "mcp:x", "poweroff demo-fra/fra-101")
	ctx := context.Background()
	for i, a := range all {
		a.Handle(ctx, procs[i/len(workspaces)].notice(t, req.ID, req.Version))
	}
	for _, a := range all {
		a.Retry(ctx)
	}
	for name, ws := range workspaces {
		if n := len(ws.ids(req.ID)); n != 1 {
			t.Errorf("posted %d times on %s, want once", n, name)
		}
	}
}

// runSpeed makes every simulated operation take at most 0.3 s of the
// test's clock, so moving it by runEnds ends a run in progress; runEnds
// stays well inside an executor's lease (30 s), so the watcher never
// sweeps the run as interrupted meanwhile.
const (
	runSpeed = 100
	runEnds  = time.Second
)

// process is one bot process driven by hand: the real wiring on a shared
// SQLite file, a clock the test moves, and its watcher's notices kept for
// the test to hand to Approvals when it chooses.
type process struct {
	app *app.App

	mu      sync.Mutex
	notices []commands.Notice
}

func startProcess(t *testing.T, path string, clk *testClock) *process {
	t.Helper()
	cfg := config.Default()
	cfg.Database = path
	// Operations take simulated time, which passes only when the test
	// moves the clock: a run stays in progress until then.
	cfg.Demo.Speed = runSpeed
	a, err := app.Open(context.Background(), cfg, app.Options{Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	p := &process{app: a}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Runner.Watch(ctx, 5*time.Millisecond, time.Second, func(n commands.Notice) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.notices = append(p.notices, n)
		})
	}()
	// Registered after the app's Close, so it runs before it.
	t.Cleanup(func() { cancel(); <-done })
	// The watcher starts from the newest change: a request made before
	// it runs would go unheard. Probes wait for their requester's
	// confirmation, and are never posted.
	eventually(t, "the watcher starts", func() bool {
		q := commands.Request{Source: "shell", Principal: "shell:probe", CanConfirm: true}
		if _, err := a.Runner.RunText(context.Background(), q, "poweroff demo-fra/fra-103"); err != nil {
			t.Fatal(err)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.notices) > 0
	})
	return p
}

// notice waits for the watcher's notice of request id at version or later.
func (p *process) notice(t *testing.T, id string, version int64) commands.Notice {
	t.Helper()
	return p.noticeWhere(t, "the watcher reports the change", func(n commands.Notice) bool {
		return n.ID == id && n.Version >= version
	})
}

// noticeWhere waits for the first notice of the watcher that ok accepts.
func (p *process) noticeWhere(t *testing.T, what string, ok func(commands.Notice) bool) commands.Notice {
	t.Helper()
	var n commands.Notice
	eventually(t, what, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.notices {
			if ok(c) {
				n = c
				return true
			}
		}
		return false
	})
	return n
}

// raiseIn asks for line as principal over MCP in process p and returns
// the request, which waits for an approver.
func raiseIn(t *testing.T, p *process, principal, line string) commands.RequestView {
	t.Helper()
	q := commands.Request{Source: "mcp", Principal: commands.Principal(principal)}
	res, err := p.app.Runner.RunText(context.Background(), q, line)
	if err != nil || res.Pending == nil || res.Pending.State != approval.Pending {
		t.Fatalf("%s: %q: no request waiting for an approver (%+v, %v)", principal, line, res.Pending, err)
	}
	return *res.Pending
}

// testClock is a clock the test moves by hand, shared by the processes
// of a test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// hangingPlatform's Post never returns until its context ends: the
// process is as good as dead once it has claimed a post.
type hangingPlatform struct {
	*fakePlatform
	posting chan struct{} // closed at the first Post
	once    sync.Once
}

func (h *hangingPlatform) Post(ctx context.Context, _ string, _ commands.RequestView) (string, error) {
	h.once.Do(func() { close(h.posting) })
	<-ctx.Done()
	return "", ctx.Err()
}

// rateLimitedPlatform refuses every Post for an hour.
type rateLimitedPlatform struct {
	*fakePlatform
	mu    sync.Mutex
	posts int
}

func (r *rateLimitedPlatform) Post(context.Context, string, commands.RequestView) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts++
	return "", &fault.Error{Class: fault.RateLimited, RetryAfter: time.Hour, Message: "slow down"}
}

func (r *rateLimitedPlatform) tries() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.posts
}

// namedPlatform is a fake platform under another name ("discord").
type namedPlatform struct {
	*fakePlatform
	name string
}

func (n namedPlatform) Name() string { return n.name }
