package chat

import (
	"context"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// Push never waits for the handler; notices arrive in order; past the
// bound, progress goes first.
func TestQueueKeepsOrderAndNeverBlocksThePusher(t *testing.T) {
	q := NewQueue()
	release := make(chan struct{})
	got := make(chan string, maxQueued+10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	busy := make(chan struct{}, 1)
	go q.Run(ctx, func(_ context.Context, n commands.Notice) {
		select {
		case busy <- struct{}{}:
		default:
		}
		<-release // a platform that does not answer
		got <- n.ID
	})
	q.Push(commands.Notice{ID: "first", Event: approval.EventCreated})
	<-busy // the handler holds "first"; the rest waits in the queue
	pushed := make(chan struct{})
	go func() {
		q.Push(commands.Notice{ID: "progress", Event: approval.EventProgress})
		for range maxQueued {
			q.Push(commands.Notice{ID: "later", Event: approval.EventFinished})
		}
		close(pushed)
	}()
	select {
	case <-pushed:
	case <-time.After(20 * time.Second):
		t.Fatal("Push waited for a stuck handler")
	}
	close(release)
	if id := <-got; id != "first" {
		t.Fatalf("first delivered: %s", id)
	}
	for range maxQueued {
		if id := <-got; id == "progress" {
			t.Fatal("a progress notice survived the bound while others waited")
		}
	}
}
