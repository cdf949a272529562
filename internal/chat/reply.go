package chat

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
)

// Reply is one message to show in chat, in the platform's own layout (Slack
// blocks, Discord embeds) but with the words of the command layer: the
// platform's renderer lays it out and decides nothing. Exactly one of
// Result, View, Err, Step and Text is its subject.
type Reply struct {
	// Result is a command's output. A visible reply never carries its
	// Secret fields: the conversation strips them before a reply leaves
	// the requester's eyes.
	Result *commands.Result
	// Page is the page of Result.Table to show, when the table does not
	// fit one message.
	Page Page
	// View is a gated request as the reader sees it, with its Actions as
	// buttons.
	View *commands.RequestView
	// Err is a failed command: one line, and its usage when the input was
	// at fault (commands.UsageOf).
	Err error
	// Step is a long operation under way: the message is edited with each
	// step until it ends.
	Step *Step
	// Text is a short notice ("posted to the approvals channel").
	Text string
	// Mention names the requester in a visible reply, so the channel sees
	// who did what.
	Mention commands.Principal
}

// Page is which page of a result's table to show. The renderer decides
// how many rows fit a message by its platform's limits, shows page Index
// (from 0) and, when there are more pages, buttons made with PageButton
// carrying Token, the conversation's name for the kept result. Without a
// Token (nothing kept) a table too long for one message is cut with a line
// saying how many rows are not shown and how to narrow the list: never
// silently.
type Page struct {
	Token string
	Index int
}

// Step is a long operation as its message shows it while it runs.
type Step struct {
	Title    string // "Reinstalling demo-fra/web-1 (203.0.113.10) with debian-12"
	Progress commands.Progress
	Elapsed  time.Duration
}

// Replier answers one person where they asked: the platform side of a
// conversation. Ephemeral replies are seen by the requester only (and are
// the only place a secret may go); public ones by the channel.
type Replier interface {
	// Ephemeral shows r to the requester only.
	Ephemeral(ctx context.Context, r Reply) error
	// Public posts r in the channel (or thread) asked from and returns a
	// reference for editing it.
	Public(ctx context.Context, r Reply) (ref string, err error)
	// Edit replaces the public message ref with r.
	Edit(ctx context.Context, ref string, r Reply) error
	// Replace replaces the message whose button was pressed (an
	// ephemeral confirm prompt, a page of a list) with r. Outside a button
	// press it shows r ephemerally.
	Replace(ctx context.Context, r Reply) error
}
