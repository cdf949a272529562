package chat_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// order is the order a request's states may be shown in, from posting to
// a successful end.
var order = []approval.State{approval.Pending, approval.Approved, approval.Executing, approval.Succeeded}

// TestRaisedElsewherePostedOnceAndKeptTrue: a request an MCP client raised
// is posted by exactly one of two bot processes, and an approval given in
// the other one is shown on the message, in order, to the final state.
func TestRaisedElsewherePostedOnceAndKeptTrue(t *testing.T) {
	path, ws := newDB(t), newWorkspace()
	bots := []*bot{startBot(t, path, ws), startBot(t, path, ws)}

	req := raise(t, bots[0], "mcp", "mcp:x", "poweroff demo-fra/fra-101", false)
	if req.State != approval.Pending {
		t.Fatalf("mcp poweroff is %s, want pending", req.State)
	}
	for _, b := range bots {
		b.handledUpTo(t, req.ID, req.Version)
	}
	ids := ws.ids(req.ID)
	if len(ids) != 1 {
		t.Fatalf("request posted %d times, want once", len(ids))
	}
	m := ws.ids(req.ID)[0]
	if got := ws.showing(m); got.State != approval.Pending || len(got.Actions) == 0 || got.Actions[0].ID != commands.ActionApprove {
		t.Fatalf("posted view: state %s, actions %v; want pending with approve", got.State, got.Actions)
	}

	// Decided in the process that did not post it: the poster hears of
	// it from the feed.
	poster, other := bots[0], bots[1]
	if len(poster.platform.made()) == 0 {
		poster, other = other, poster
	}
	q := commands.Request{Source: "shell", Principal: "shell:bob"}
	if _, err := other.app.Runner.Decide(context.Background(), q, req.ID, true, ""); err != nil {
		t.Fatalf("approve: %v", err)
	}
	var final commands.RequestView
	eventually(t, "the request finishes", func() bool {
		final = other.lookup(t, req.ID)
		return final.State.Terminal()
	})
	if final.State != approval.Succeeded {
		t.Fatalf("request ended %s: %s", final.State, final.Error)
	}
	for _, b := range bots {
		b.handledUpTo(t, req.ID, final.Version)
	}
	if got := ws.showing(m); got.State != approval.Succeeded || got.Version != final.Version {
		t.Fatalf("message shows %s at version %d, want succeeded at %d", got.State, got.Version, final.Version)
	}
	if len(ws.ids(req.ID)) != 1 {
		t.Fatalf("request posted again on a change")
	}
	for i, b := range bots {
		calls := b.platform.made()
		if last := calls[len(calls)-1]; last.version != final.Version {
			t.Errorf("bot %d last showed version %d, want the final %d", i, last.version, final.Version)
		}
		inOrder(t, calls)
	}
	if got := poster.platform.made(); got[len(got)-1].state != approval.Succeeded {
		t.Errorf("the poster did not show the outcome of a decision made elsewhere: %+v", got)
	}
}

// inOrder fails unless each message was shown ever newer versions, in the
// order a request's states follow.
func inOrder(t *testing.T, calls []call) {
	t.Helper()
	last := map[string]call{}
	for _, c := range calls {
		prev, seen := last[c.message]
		if seen && (c.version <= prev.version || slices.Index(order, c.state) < slices.Index(order, prev.state)) {
			t.Errorf("message %s went from %s (v%d) to %s (v%d)", c.message, prev.state, prev.version, c.state, c.version)
		}
		if slices.Index(order, c.state) < 0 {
			t.Errorf("message %s showed %s", c.message, c.state)
		}
		last[c.message] = c
	}
}

// TestFailedUpdateIsRetried: while the platform refuses every edit, the
// request runs to its end; the final view still arrives once it is back.
func TestFailedUpdateIsRetried(t *testing.T) {
	b := startBot(t, newDB(t), newWorkspace())
	req := raise(t, b, "mcp", "mcp:x", "poweroff demo-fra/fra-102", false)
	b.handledUpTo(t, req.ID, req.Version)
	ids := b.platform.ws.ids(req.ID)
	if len(ids) != 1 {
		t.Fatalf("request posted %d times, want once", len(ids))
	}

	b.platform.setFailing(true)
	q := commands.Request{Source: "shell", Principal: "shell:bob"}
	if _, err := b.app.Runner.Decide(context.Background(), q, req.ID, true, ""); err != nil {
		t.Fatalf("approve: %v", err)
	}
	var final commands.RequestView
	eventually(t, "the request finishes", func() bool {
		final = b.lookup(t, req.ID)
		return final.State.Terminal()
	})
	// Every change has been heard of, and every edit it caused failed.
	b.handledUpTo(t, req.ID, final.Version)
	if b.platform.failures() == 0 {
		t.Fatal("no edit was attempted while the platform was failing")
	}
	if got := b.platform.ws.showing(ids[0]); got.State != approval.Pending {
		t.Fatalf("message shows %s although every edit failed", got.State)
	}

	b.platform.setFailing(false)
	eventually(t, "the final view arrives", func() bool {
		got := b.platform.ws.showing(ids[0])
		return got.Version == final.Version && got.State == approval.Succeeded
	})
	inOrder(t, b.platform.made())
}

// TestConfirmingIsNotPosted: a request waiting for its requester's own
// confirmation is nobody else's business; once confirmed it waits for an
// approver and is posted.
func TestConfirmingIsNotPosted(t *testing.T) {
	b := startBot(t, newDB(t), newWorkspace())
	req := raise(t, b, "shell", "shell:alice", "delete demo-nyc/nyc-201", true)
	if req.State != approval.Confirming || !req.NeedsApproval {
		t.Fatalf("delete on demo-nyc is %s (needs approval %v), want confirming then approval", req.State, req.NeedsApproval)
	}
	b.handledUpTo(t, req.ID, req.Version)
	if n := len(b.platform.ws.ids(req.ID)); n != 0 {
		t.Fatalf("a confirming request was posted %d times", n)
	}

	q := commands.Request{Source: "shell", Principal: "shell:alice", CanConfirm: true}
	res, err := b.app.Runner.Confirm(context.Background(), q, req.ID)
	if err != nil || res.Pending == nil || res.Pending.State != approval.Pending {
		t.Fatalf("confirm: %+v %v", res.Pending, err)
	}
	b.handledUpTo(t, req.ID, res.Pending.Version)
	if n := len(b.platform.ws.ids(req.ID)); n != 1 {
		t.Fatalf("a request waiting for an approver was posted %d times, want once", n)
	}
}

// TestProgressOfALocalRunIsShown: a request approved, and so run, in the
// process that posted it has its progress shown on the message, as one
// run elsewhere has.
func TestProgressOfALocalRunIsShown(t *testing.T) {
	clk, ws := newTestClock(), newWorkspace()
	p := startProcess(t, newDB(t), clk)
	a := chat.New(p.app.Runner, &fakePlatform{ws: ws}, nil)
	ctx := context.Background()
	req := raiseIn(t, p, "mcp:x", "poweroff demo-fra/fra-101")
	a.Handle(ctx, p.notice(t, req.ID, req.Version))
	ids := ws.ids(req.ID)
	if len(ids) != 1 {
		t.Fatalf("request posted %d times, want once", len(ids))
	}

	decided := make(chan error, 1)
	go func() {
		// The approver's process runs it, until the clock moves.
		_, err := p.app.Runner.Decide(ctx, commands.Request{Source: "shell", Principal: "shell:bob"}, req.ID, true, "")
		decided <- err
	}()
	n := p.noticeWhere(t, "progress of the run", func(n commands.Notice) bool {
		return n.ID == req.ID && n.Event == approval.EventProgress
	})
	if !n.RanHere() {
		t.Fatal("the run approved in this process ran elsewhere")
	}
	a.Handle(ctx, n)
	if got := ws.showing(ids[0]); got.State != approval.Executing || got.Progress == nil {
		t.Fatalf("message shows %s with progress %v, want executing with its progress", got.State, got.Progress)
	}

	clk.Advance(runEnds) // the power-off ends
	select {
	case err := <-decided:
		if err != nil {
			t.Fatalf("approve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the run never ended")
	}
}
