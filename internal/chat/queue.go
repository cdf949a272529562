package chat

import (
	"context"
	"sync"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// Queue hands the runner watcher's notices to an adapter's own goroutine,
// in order, so that a slow or rate-limited platform never holds up the
// watcher: its expiry sweeps, the start of approved requests, the other
// adapters. Push never blocks. A platform down for long makes the queue
// grow; past maxQueued, progress notices (each superseded by the next) are
// dropped first.
type Queue struct {
	mu    sync.Mutex
	wake  chan struct{}
	items []commands.Notice
}

// maxQueued bounds the notices kept while the platform cannot keep up.
const maxQueued = 10000

// NewQueue returns an empty queue.
func NewQueue() *Queue { return &Queue{wake: make(chan struct{}, 1)} }

// Push adds n; it returns at once.
func (q *Queue) Push(n commands.Notice) {
	q.mu.Lock()
	if len(q.items) >= maxQueued {
		q.dropProgress()
	}
	q.items = append(q.items, n)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// dropProgress drops the oldest progress notice, or the oldest notice
// when there is none; with mu held.
func (q *Queue) dropProgress() {
	for i, n := range q.items {
		if n.Event == approval.EventProgress {
			q.items = append(q.items[:i], q.items[i+1:]...)
			return
		}
	}
	q.items = q.items[1:]
}

// Run calls handle with each notice, in the order pushed, until ctx ends.
func (q *Queue) Run(ctx context.Context, handle func(context.Context, commands.Notice)) {
	for {
		q.mu.Lock()
		items := q.items
		q.items = nil
		q.mu.Unlock()
		for _, n := range items {
			handle(ctx, n)
		}
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
	}
}
