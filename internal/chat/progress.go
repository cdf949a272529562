package chat

import (
	"context"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
)

// progressMessage is the one visible message a long change shows while it
// runs: posted at its first step, edited at each later one (the runner
// throttles steps to about one a second, within the platforms' edit
// limits), and finally edited into the result. A platform that cannot
// post it (a channel the bot is not in) gets no progress message, and the
// result is shown privately.
type progressMessage struct {
	cv      *Conversations
	ctx     context.Context
	reply   Replier
	title   string
	mention commands.Principal
	start   time.Time

	mu     sync.Mutex
	ref    string
	failed bool
	ended  bool
}

func (cv *Conversations) newProgress(ctx context.Context, r Replier, title string, who commands.Principal) *progressMessage {
	return &progressMessage{cv: cv, ctx: ctx, reply: r, title: title, mention: who, start: cv.now()}
}

// step shows p: the runner's throttle calls it from one goroutine, the
// last step before the outcome included.
func (m *progressMessage) step(p commands.Progress) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ended || m.failed {
		return
	}
	r := Reply{Step: &Step{Title: m.title, Progress: p, Elapsed: m.cv.now().Sub(m.start)}, Mention: m.mention}
	if m.ref == "" {
		ref, err := m.reply.Public(m.ctx, r)
		if err != nil {
			m.failed = true
			m.cv.log.Warn("posting a progress message failed; the result will be shown without it", "err", err)
			return
		}
		m.ref = ref
		return
	}
	m.cv.try(m.reply.Edit(m.ctx, m.ref, r), "edit the progress message")
}

// done ends the progress message and returns its reference ("" when none
// was posted), for the result to replace. Safe on a nil message.
func (m *progressMessage) done() string {
	if m == nil {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ended = true
	return m.ref
}
