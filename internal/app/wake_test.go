package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// A request raised through one replica's pool is heard by another
// replica's watcher within 2 seconds although that watcher polls every
// hour: only the notification at commit can explain it.
func TestAnotherReplicasRequestWakesTheWatcher(t *testing.T) {
	if !storetest.OnPostgres() {
		t.Skip("PostgreSQL only: SQLite has no notifications, its watchers poll every second")
	}
	path := storetest.Database(t)
	raiser, watcher := openReplica(t, path), openReplica(t, path)
	if watcher.approvalWake == nil {
		t.Fatal("no approval listener on PostgreSQL")
	}
	ctx, cancel := context.WithCancel(context.Background())
	heard := make(chan string, 10000) // never full: the watcher must not wait on the test
	var wg sync.WaitGroup
	wg.Go(func() {
		watcher.Runner.WatchWoken(ctx, time.Hour, watcher.approvalWake.C(), time.Second, func(n commands.Notice) {
			if n.Event == approval.EventCreated {
				heard <- n.ID
			}
		})
	})
	t.Cleanup(func() { cancel(); wg.Wait() })

	// The watcher hears changes made after it read the latest version:
	// probe until it hears one (each probe wakes it too).
	deadline := time.Now().Add(30 * time.Second)
	for ready := false; !ready; {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting: the watcher hears a probe")
		}
		raise(t, raiser, "shell:probe")
		select {
		case <-heard:
			ready = true
		case <-time.After(100 * time.Millisecond):
		}
	}
	for len(heard) > 0 {
		<-heard
	}

	id := raise(t, raiser, "shell:alice")
	timeout := time.After(2 * time.Second)
	for {
		select {
		case got := <-heard:
			if got == id {
				return
			}
		case <-timeout:
			t.Fatal("a request raised on another replica was not heard within 2s (the watcher polls every hour)")
		}
	}
}

func openReplica(t *testing.T, path string) *App {
	t.Helper()
	cfg := config.Default()
	cfg.Database = path
	a, err := Open(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// raise stores a request waiting for an approver, as principal, and
// returns its id.
func raise(t *testing.T, a *App, principal string) string {
	t.Helper()
	r, err := a.Approvals.Create(context.Background(), approval.Request{Source: "shell", Principal: principal,
		Command: "delete", Target: "demo-nyc/nyc-204", ArgsHash: "h", Salt: approval.NewSalt(), NeedsApproval: true})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}
