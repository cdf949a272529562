package chat

import (
	"context"
	"sync"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// Notify tells a requester how their gated request ended, in the channel
// or thread they asked from: it is the runner watcher's callback, and
// hears of every change made by any process. Only requests asked on this
// platform (their ReplyTo is this platform's) are told, each outcome once.
//
// A request that needed only its requester's confirmation is not told
// how it ran (the confirm press showed its result where it was pressed),
// only that it expired or was interrupted (the process running it died,
// and with it the progress message). A result that
// ran in this process on the requester's behalf (its secret arguments
// were held here) carries the secrets: those go to the requester alone.
func (cv *Conversations) Notify(ctx context.Context, n commands.Notice) {
	switch n.Event {
	case approval.EventDenied, approval.EventExpired, approval.EventInterrupted, approval.EventFinished:
	default:
		return
	}
	if n.ReplyTo == nil {
		return
	}
	r, ok := cv.replierFor(n.ReplyTo)
	if !ok {
		return
	}
	who := commands.Principal(n.Requester)
	v := n.View(who)
	if !v.NeedsApproval && n.Event != approval.EventExpired && n.Event != approval.EventInterrupted && n.Result == nil {
		return
	}
	if cv.told.first(n.ID, n.Event) && cv.tellsHere(ctx, n) {
		if _, err := r.Public(ctx, Reply{View: &v, Mention: who}); err != nil {
			cv.log.Warn("telling the requester in the channel failed; telling them privately", "request", n.ID, "err", err)
			cv.try(r.Ephemeral(ctx, Reply{View: &v}), "tell the requester")
		}
	}
	// Only the process that held the secrets has a Result, and its
	// watcher delivers it once.
	if n.Result != nil {
		if secret := secretOnly(*n.Result); secret != nil {
			cv.try(r.Ephemeral(ctx, Reply{Result: secret}), "show the requester a secret")
		}
	}
}

// tellsHere reports whether this process is the one, among every bot
// process on the database, to tell the requester of n: all of them hear
// every change, and the store's claim picks one. If the store cannot be
// asked, this process tells: twice is better than never.
func (cv *Conversations) tellsHere(ctx context.Context, n commands.Notice) bool {
	won, err := cv.runner.ClaimPosting(ctx, n.ID, cv.source+"/told/"+string(n.Event), cv.runner.Instance())
	if err != nil {
		cv.log.Warn("claiming to tell a requester failed; telling them anyway", "request", n.ID, "err", err)
		return true
	}
	return won
}

// told remembers which outcomes were told, so a notice heard twice (the
// watcher's own and the feed's) is told once.
type told struct {
	mu   sync.Mutex
	seen map[string]bool
}

func newTold() *told { return &told{seen: map[string]bool{}} }

// first reports whether this is the first telling of event for id.
func (t *told) first(id string, event approval.Event) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := id + "/" + string(event)
	if t.seen[k] {
		return false
	}
	if len(t.seen) > 10000 {
		t.seen = map[string]bool{}
	}
	t.seen[k] = true
	return true
}
