package shell

import (
	"context"
	"io"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/testutil"
)

// TestNotifyShowsProgressOnce: the watcher reports every progress step,
// those of runs in this process too. A session that ran the request
// itself has printed its progress already and prints nothing more; the
// progress of its requester's run in another process is printed, and so
// are the steps a run the watcher started for her hands it directly.
func TestNotifyShowsProgressOnce(t *testing.T) {
	clk := &stillClock{t: time.Now()}
	path := filepath.Join(t.TempDir(), "vpsops.db")
	here, elsewhere := openApp(t, path, clk), openApp(t, path, clk)
	var notices noticeLog
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { here.Runner.Watch(ctx, 5*time.Millisecond, time.Second, notices.add) })
	// The watcher starts from the newest change: wait until it hears a
	// probe, so that it hears everything after.
	probe := commands.Request{Source: "shell", Principal: "shell:probe", CanConfirm: true}
	for heard, deadline := false, time.Now().Add(30*time.Second); !heard; {
		if time.Now().After(deadline) {
			t.Fatal("the watcher never started")
		}
		if _, err := here.Runner.RunText(context.Background(), probe, "poweroff demo-fra/fra-103"); err != nil {
			t.Fatal(err)
		}
		notices.mu.Lock()
		heard = len(notices.ns) > 0
		notices.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}

	in, keys := io.Pipe()
	t.Cleanup(func() { keys.Close() })
	out := &testutil.LogBuffer{}
	s := &Shell{Runner: here.Runner, Principal: "shell:alice", In: in, Out: out, Grace: time.Second}
	wg.Go(func() { s.Run(ctx) })
	io.WriteString(keys, "reinstall demo-fra/fra-101 debian-12\n")
	waitFor(t, out, `Confirm reinstall`, 1)
	id := regexp.MustCompile(`request (r-[a-z0-9]+)`).FindStringSubmatch(out.String())[1]
	io.WriteString(keys, "confirm\n")
	local := notices.waitFor(t, "progress of the session's run", func(n commands.Notice) bool {
		return n.ID == id && n.Event == approval.EventProgress
	})
	clk.Advance(runEnds) // the reinstall ends
	waitFor(t, out, `reinstalled`, 1)
	before := out.String()
	s.Notify(local)
	if got := out.String(); got != before {
		t.Fatalf("progress of the session's own run printed again:\n%s", got[len(before):])
	}

	// The same requester's request, run by another process.
	alice := commands.Request{Source: "shell", Principal: "shell:alice", CanConfirm: true}
	res, err := elsewhere.Runner.RunText(context.Background(), alice, "reinstall demo-fra/fra-102 debian-12")
	if err != nil || res.Pending == nil {
		t.Fatalf("reinstall elsewhere: %+v %v", res.Pending, err)
	}
	ran := make(chan error, 1)
	go func() {
		_, err := elsewhere.Runner.RunText(context.Background(), alice, "confirm "+res.Pending.ID)
		ran <- err
	}()
	remote := notices.waitFor(t, "progress of the run elsewhere", func(n commands.Notice) bool {
		return n.ID == res.Pending.ID && n.Event == approval.EventProgress
	})
	before = out.String()
	s.Notify(remote)
	if got := out.String(); len(got) == len(before) {
		t.Fatal("progress of the requester's run in another process was not printed")
	}
	clk.Advance(runEnds)
	if err := <-ran; err != nil {
		t.Fatalf("reinstall elsewhere: %v", err)
	}

	// Her request holding secrets, approved here, runs in this process's
	// watcher: it hands its steps to the session directly, and those are
	// printed; the feed's copies of them are not.
	res, err = here.Runner.RunText(context.Background(), alice, "reinstall demo-nyc/nyc-201 debian-12")
	if err == nil {
		_, err = here.Runner.RunText(context.Background(), alice, "confirm "+res.Pending.ID)
	}
	if err == nil {
		_, err = here.Runner.RunText(context.Background(), commands.Request{Source: "shell", Principal: "shell:bob"}, "approve "+res.Pending.ID)
	}
	if err != nil {
		t.Fatalf("reinstall approved here: %v", err)
	}
	held := res.Pending.ID
	direct := notices.waitFor(t, "a step of the held run", func(n commands.Notice) bool {
		return n.ID == held && n.Event == approval.EventProgress && !n.RanHere()
	})
	copied := notices.waitFor(t, "the feed's copy of a step", func(n commands.Notice) bool {
		return n.ID == held && n.Event == approval.EventProgress && n.RanHere()
	})
	before = out.String()
	s.Notify(copied)
	if got := out.String(); got != before {
		t.Fatalf("the feed's copy of a held run's step was printed:\n%s", got[len(before):])
	}
	s.Notify(direct)
	if got := out.String(); len(got) == len(before) {
		t.Fatal("a step of the held run was not printed")
	}
	clk.Advance(runEnds)
	notices.waitFor(t, "the held run's result", func(n commands.Notice) bool { return n.ID == held && n.Result != nil })
}

// runEnds ends any simulated operation of a fleet at speed 100 (30 s at
// most, scaled to 0.3 s), and stays well inside an executor's lease
// (30 s): the watcher never sweeps a run as interrupted while the test
// moves the clock.
const runEnds = time.Second

// openApp opens the real wiring on the database at path, with a clock the
// test moves: operations take simulated time, so a run stays in progress
// until the clock moves.
func openApp(t *testing.T, path string, clk *stillClock) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.Database = path
	cfg.Demo.Speed = 100
	a, err := app.Open(context.Background(), cfg, app.Options{Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// stillClock stands still until the test moves it.
type stillClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stillClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stillClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// noticeLog keeps the watcher's notices.
type noticeLog struct {
	mu sync.Mutex
	ns []commands.Notice
}

func (l *noticeLog) add(n commands.Notice) { l.mu.Lock(); l.ns = append(l.ns, n); l.mu.Unlock() }

// waitFor polls until some notice satisfies ok (bounded).
func (l *noticeLog) waitFor(t *testing.T, what string, ok func(commands.Notice) bool) commands.Notice {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		l.mu.Lock()
		for _, n := range l.ns {
			if ok(n) {
				l.mu.Unlock()
				return n
			}
		}
		l.mu.Unlock()
	}
	t.Fatalf("never saw a notice: %s", what)
	return commands.Notice{}
}
