package chat_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// bot is one chat bot process: the real wiring on a shared SQLite file, a
// fake platform client, and the runner's watcher feeding Approvals.
type bot struct {
	app       *app.App
	platform  *fakePlatform
	approvals *chat.Approvals

	mu      sync.Mutex
	handled map[string]int64 // request id → version of the newest notice handled
}

func newDB(t *testing.T) string { return filepath.Join(t.TempDir(), "vpsops.db") }

func startBot(t *testing.T, path string, ws *workspace) *bot {
	t.Helper()
	cfg := config.Default()
	cfg.Database = path
	cfg.Demo.Speed = 1000 // instant
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b := &bot{app: a, platform: &fakePlatform{ws: ws}, handled: map[string]int64{}}
	b.approvals = chat.New(a.Runner, b.platform, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		a.Runner.Watch(ctx, 5*time.Millisecond, time.Second, func(n commands.Notice) {
			b.approvals.Handle(ctx, n)
			b.mu.Lock()
			b.handled[n.ID] = max(b.handled[n.ID], n.Version)
			b.mu.Unlock()
		})
	}()
	go func() { defer wg.Done(); b.approvals.Run(ctx, 5*time.Millisecond) }()
	// Registered after the app's Close, so it runs before it.
	t.Cleanup(func() { cancel(); wg.Wait() })
	b.awaitWatcher(t)
	return b
}

// awaitWatcher returns once the watcher hears changes: it starts from the
// newest change when it starts, so a request made before then would go
// unheard. Each poll makes a probe request waiting for its requester's
// confirmation, which is never posted.
func (b *bot) awaitWatcher(t *testing.T) {
	t.Helper()
	eventually(t, "the watcher starts", func() bool {
		raise(t, b, "shell", "shell:probe", "poweroff demo-fra/fra-103", true)
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.handled) > 0
	})
}

// handledUpTo waits until the bot's watcher has handled request id's
// change at version.
func (b *bot) handledUpTo(t *testing.T, id string, version int64) {
	t.Helper()
	eventually(t, "the watcher handles the change", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.handled[id] >= version
	})
}

// lookup is request id as an approver sees it now.
func (b *bot) lookup(t *testing.T, id string) commands.RequestView {
	t.Helper()
	v, err := b.app.Runner.Lookup(context.Background(), id, "shell:approver")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// eventually polls cond until it holds, with a deadline generous enough
// for a loaded machine: it bounds a hang, it measures nothing.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// raise runs line for principal from source and returns the gated
// request it made.
func raise(t *testing.T, b *bot, source, principal, line string, canConfirm bool) commands.RequestView {
	t.Helper()
	q := commands.Request{Source: source, Principal: commands.Principal(principal), CanConfirm: canConfirm}
	res, err := b.app.Runner.RunText(context.Background(), q, line)
	if err != nil || res.Pending == nil {
		t.Fatalf("%s: %q: no gated request (%v)", principal, line, err)
	}
	return *res.Pending
}
