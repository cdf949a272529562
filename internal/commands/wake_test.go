package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// A wake-up makes the watcher read the feed at once: with an hour between
// ticks, nothing else would have it hear the requests raised meanwhile.
func TestWakeUpReadsTheFeedBetweenTicks(t *testing.T) {
	a := newTestApp(t)
	var log noticeLog
	wake := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Runner.WatchWoken(ctx, time.Hour, wake, time.Second, log.add); close(done) }()
	defer func() { cancel(); <-done }()

	// The watcher hears changes made after it read the latest version:
	// raise and wake until it hears one, as a replica's commit would.
	heard := func(n commands.Notice) bool { return n.Event == approval.EventCreated }
	stop := make(chan struct{})
	raised := make(chan struct{})
	go func() {
		defer close(raised)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := a.Runner.RunText(context.Background(), shellReq(alice), "delete demo-nyc/nyc-204"); err != nil {
				t.Error(err)
				return
			}
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}()
	log.waitFor(t, "a request raised between ticks, after a wake-up", heard)
	close(stop)
	<-raised
}
