package commands_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// A requester confirming a request whose secrets this process holds runs
// it; the watcher, which starts approved held requests, must not start it
// too in the moment between the confirmation and the claim: the loser
// would report to the requester a failed run of a request that ran.
func TestConfirmingAHeldRequestRunsItOnceWithoutAFalseFailure(t *testing.T) {
	a := newTestApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	var (
		mu       sync.Mutex
		failures []string
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Runner.Watch(ctx, time.Microsecond, time.Second, func(n commands.Notice) {
			if n.Event == approval.EventFinished && n.Err != nil {
				mu.Lock()
				failures = append(failures, n.Err.Error())
				mu.Unlock()
			}
		})
	}()
	defer func() { cancel(); <-done }()
	q := shellReq(alice)
	for range 25 {
		asked := a.run(t, q, "reinstall demo-fra/fra-101 debian-12").Pending
		if _, err := a.Runner.Confirm(context.Background(), q, asked.ID); err != nil {
			t.Fatalf("confirm: %v", err)
		}
	}
	time.Sleep(50 * time.Millisecond) // a few more watcher rounds
	mu.Lock()
	defer mu.Unlock()
	if len(failures) > 0 {
		t.Fatalf("%d false failures reported, e.g. %s", len(failures), failures[0])
	}
}
