package chat

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// Approvals posts approval requests to one platform's approvals channel and
// keeps every message of a request on that platform true to the request.
// Feed it every notice of the runner's watcher (Handle), and run Run beside
// the watcher so that what failed is delivered again.
type Approvals struct {
	runner   *commands.Runner
	platform Platform
	log      *slog.Logger
	now      func() time.Time

	// mu serialises delivery (Handle and Retry), so that each message is
	// edited in version order.
	mu sync.Mutex
	// shown is the version each message of a request last showed, as far
	// as this process knows (request id → message → version). After a
	// restart a message is edited once more with what it shows: harmless.
	shown map[string]map[message]int64
	// ours are the requests whose claim this process won and that it has
	// not yet posted and recorded: a claim is a promise to post, kept
	// through failures (and renewed on each round while they last).
	ours map[string]*claim
	// theirs are the pending requests another process claimed to post on
	// the platform and has not yet been seen to post, with the newest
	// notice of each: if that process died, Retry takes the claim over
	// once its lease lapses, and posts.
	theirs map[string]commands.Notice
	// owed are the requests whose delivery failed, with the newest notice
	// heard of each: Retry delivers it again.
	owed map[string]debt
}

// message is one posted message on the platform.
type message struct{ channel, id string }

// claim is a request this process must post. posted is set once the
// message exists, so a failure to record it never posts it twice.
type claim struct{ posted *approval.Post }

// debt is a delivery that failed: the newest notice of the request, and
// when the platform allows the next attempt (after a rate limit).
type debt struct {
	n         commands.Notice
	notBefore time.Time
}

// New returns the approvals of platform p, served through runner.
func New(runner *commands.Runner, p Platform, log *slog.Logger) *Approvals {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Approvals{
		runner: runner, platform: p, log: log.With("platform", p.Name()),
		now:   time.Now,
		shown: map[string]map[message]int64{}, ours: map[string]*claim{},
		theirs: map[string]commands.Notice{}, owed: map[string]debt{},
	}
}

// Handle brings the platform's messages of the request n is about up to
// date: it is the watcher's callback (Runner.Watch), called in the order
// the changes were made, whichever process made them. What fails is kept
// for Retry.
func (a *Approvals) Handle(ctx context.Context, n commands.Notice) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if d, ok := a.owed[n.ID]; ok && a.now().Before(d.notBefore) {
		// The platform asked us to wait: keep the newer notice for then.
		d.n = n
		a.owed[n.ID] = d
		return
	}
	delete(a.owed, n.ID)
	a.deliver(ctx, n)
}

// Retry delivers again what failed, when the platform allows it, renews
// the claims of what this process has yet to post, and takes over the
// posting of requests whose claimant lapsed: call it each watcher round
// (Run does).
func (a *Approvals) Retry(ctx context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	// Taken before the deliveries, which may lose a claim just now: that
	// one waits for the next round.
	theirs := sortedIDs(a.theirs)
	now := a.now()
	for _, id := range sortedIDs(a.owed) {
		d := a.owed[id]
		if now.Before(d.notBefore) {
			a.renew(ctx, id)
			continue
		}
		delete(a.owed, id)
		a.deliver(ctx, d.n)
	}
	for _, id := range theirs {
		n, ok := a.theirs[id]
		if _, owed := a.owed[id]; !ok || owed {
			continue // delivering it claims again
		}
		a.takeOver(ctx, n)
	}
}

// renew keeps the claim of a request this process waits to post (the
// platform asked it to wait), so that nobody takes it over meanwhile.
func (a *Approvals) renew(ctx context.Context, id string) {
	c := a.ours[id]
	if c == nil || c.posted != nil {
		return
	}
	won, err := a.runner.ClaimPosting(ctx, id, a.platform.Name(), a.runner.Instance())
	if err != nil {
		a.log.Warn("renewing the claim to post an approval request failed", "request", id, "err", err)
		return
	}
	if !won {
		// Its lease lapsed and another process took it over: the owed
		// delivery claims again, and loses.
		delete(a.ours, id)
	}
}

// takeOver posts a request another process claimed, once that claim has
// lapsed with no post of it (its claimant died before posting): the
// delivery claims again, and wins only then.
func (a *Approvals) takeOver(ctx context.Context, n commands.Notice) {
	posts, err := a.platformPosts(ctx, n.ID)
	if err != nil {
		a.log.Warn("checking whether an approval request was posted failed", "request", n.ID, "err", err)
		return
	}
	if inChannel(posts, a.platform.ApprovalsChannel()) {
		delete(a.theirs, n.ID) // posted: every later change edits it
		return
	}
	a.deliver(ctx, n)
}

func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// CatchUp hands Handle every request that waits for an approver now:
// call it once at start, beside the watcher, so that a request raised
// while no bot process ran (or whose poster died) is posted. The claim
// still decides who posts each, and a request posted already is only
// brought up to date.
func (a *Approvals) CatchUp(ctx context.Context) error {
	ns, err := a.runner.PendingNotices(ctx)
	if err != nil {
		return fmt.Errorf("list pending requests: %w", err)
	}
	for _, n := range ns {
		a.Handle(ctx, n)
	}
	return nil
}

// Run calls Retry every interval until ctx ends.
func (a *Approvals) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.Retry(ctx)
		}
	}
}

// deliver is one attempt at n, with mu held; a failure that retrying can
// fix makes n owed.
func (a *Approvals) deliver(ctx context.Context, n commands.Notice) {
	errs := a.attempt(ctx, n)
	if len(errs) == 0 {
		return
	}
	var wait time.Duration
	for _, err := range errs {
		wait = max(wait, retryAfter(err))
		a.log.Warn("showing an approval request failed; retrying on the next round", "request", n.ID, "err", err)
	}
	a.owed[n.ID] = debt{n: n, notBefore: a.now().Add(wait)}
}

// attempt posts n's request if this process owes the post, and edits every
// message of it on the platform that shows an older version. It returns
// the failures worth retrying; the others are logged.
func (a *Approvals) attempt(ctx context.Context, n commands.Notice) []error {
	v := n.View(a.platform.Approver())
	posts, err := a.platformPosts(ctx, n.ID)
	if err != nil {
		return []error{err}
	}
	c, err := a.claim(ctx, n, v, posts)
	if err != nil {
		return []error{err}
	}
	if c != nil {
		p, err := a.post(ctx, c, n.ID, v)
		if err != nil {
			return []error{err}
		}
		posts = append(posts, p)
	}
	var errs []error
	for _, p := range posts {
		m := message{p.Channel, p.MessageID}
		if a.shown[n.ID][m] >= v.Version {
			continue
		}
		if err := a.platform.Update(ctx, p.Channel, p.MessageID, v); err != nil {
			err = fmt.Errorf("update message %s in channel %s: %w", p.MessageID, p.Channel, err)
			if permanent(err) {
				a.log.Warn("updating an approval message failed; the next change tries again", "request", n.ID, "err", err)
				continue
			}
			errs = append(errs, err)
			continue
		}
		a.markShown(n.ID, m, v.Version)
	}
	if len(errs) == 0 && v.State.Terminal() && n.Version >= v.Version {
		// The request's last change is shown everywhere: nothing more
		// will be edited.
		delete(a.shown, n.ID)
	}
	return errs
}

// platformPosts lists the recorded messages of request id on this
// platform.
func (a *Approvals) platformPosts(ctx context.Context, id string) ([]approval.Post, error) {
	all, err := a.runner.Posts(ctx, id)
	if err != nil {
		return nil, err
	}
	var posts []approval.Post
	for _, p := range all {
		if p.Platform == a.platform.Name() {
			posts = append(posts, p)
		}
	}
	return posts, nil
}

// claim returns this process's claim to post n's request, taken or renewed
// just now, or nil when it is not this process's to post: it is not
// pending, it is in the approvals channel already, or another process
// holds the claim (then it is remembered in theirs). One rule wherever the
// request was raised: whoever holds the claim posts it, so it is posted
// once across all processes.
func (a *Approvals) claim(ctx context.Context, n commands.Notice, v commands.RequestView, posts []approval.Post) (*claim, error) {
	delete(a.theirs, n.ID)
	c := a.ours[n.ID]
	switch {
	case c != nil && c.posted != nil:
		return c, nil // posted; only the record is missing
	case c == nil && (v.State != approval.Pending || inChannel(posts, a.platform.ApprovalsChannel())):
		return nil, nil
	case a.platform.ApprovalsChannel() == "":
		// No approvals channel on this platform: requests are decided
		// elsewhere (the shell, the other platform); posts made before
		// are still edited.
		return nil, nil
	}
	// Renewed right before posting too: the lease must cover the call.
	won, err := a.runner.ClaimPosting(ctx, n.ID, a.platform.Name(), a.runner.Instance())
	if err != nil {
		return nil, err
	}
	if !won {
		delete(a.ours, n.ID)
		if v.State == approval.Pending {
			a.theirs[n.ID] = n
		}
		return nil, nil
	}
	if c == nil {
		c = &claim{}
		a.ours[n.ID] = c
	}
	return c, nil
}

// post posts the request this process claimed to the approvals channel
// and records the post, resuming where a failure stopped it.
func (a *Approvals) post(ctx context.Context, c *claim, id string, v commands.RequestView) (approval.Post, error) {
	channel := a.platform.ApprovalsChannel()
	if c.posted == nil {
		msg, err := a.platform.Post(ctx, channel, v)
		if err != nil {
			err = fmt.Errorf("post to approvals channel %s: %w", channel, err)
			if permanent(err) {
				// Retrying cannot fix it (no such channel, not allowed):
				// say so loudly, once.
				delete(a.ours, id)
				a.log.Error("posting an approval request failed; it will not be posted", "request", id, "err", err)
			}
			return approval.Post{}, err
		}
		c.posted = &approval.Post{RequestID: id, Platform: a.platform.Name(), Channel: channel,
			MessageID: msg, PostedBy: a.runner.Instance()}
		a.markShown(id, message{channel, msg}, v.Version)
	}
	if err := a.runner.RecordPost(ctx, *c.posted); err != nil {
		return approval.Post{}, err
	}
	delete(a.ours, id)
	return *c.posted, nil
}

func (a *Approvals) markShown(id string, m message, version int64) {
	if a.shown[id] == nil {
		a.shown[id] = map[message]int64{}
	}
	a.shown[id][m] = version
}

// inChannel reports whether one of posts is in channel.
func inChannel(posts []approval.Post, channel string) bool {
	for _, p := range posts {
		if p.Channel == channel {
			return true
		}
	}
	return false
}
