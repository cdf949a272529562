package chat

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
)

// Relay carries the runner watcher's notices to one chat platform: its
// approval messages follow each change (Approvals) and requesters hear how
// their requests ended (Conversations.Notify). Notify returns at once (a
// Queue keeps the platform's pace off the watcher); Run delivers.
type Relay struct {
	queue     *Queue
	approvals *Approvals
	conv      *Conversations
	log       *slog.Logger
}

// NewRelay relays to approvals and conv.
func NewRelay(approvals *Approvals, conv *Conversations, log *slog.Logger) *Relay {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Relay{queue: NewQueue(), approvals: approvals, conv: conv, log: log}
}

// Notify is the runner watcher's callback.
func (r *Relay) Notify(n commands.Notice) { r.queue.Push(n) }

// Run, until ctx ends: posts the requests that waited while no bot ran
// (CatchUp), retries failed approval deliveries every second, and
// delivers the notices in order. It returns once both have stopped.
func (r *Relay) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := r.approvals.CatchUp(ctx); err != nil {
			r.log.Warn("posting the requests that waited while no bot ran failed; the next change of each posts it", "err", err)
		}
		r.approvals.Run(ctx, time.Second)
	}()
	r.queue.Run(ctx, func(ctx context.Context, n commands.Notice) {
		r.approvals.Handle(ctx, n)
		r.conv.Notify(ctx, n)
	})
	wg.Wait()
}
