package slack

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/fault"
)

// replyTo is where a requester is told of a later outcome: stored with a
// gated request, so it holds ids only. The response_url is left out: it is
// a short-lived credential to post as the app.
type replyTo struct {
	Platform string `json:"platform"`
	Team     string `json:"team"`
	Channel  string `json:"channel"`
	User     string `json:"user"`
	Thread   string `json:"thread,omitempty"`
}

// replier answers one person in one channel: through the response_url of
// the command or press being answered while it lasts (it reaches direct
// messages and channels the bot is not in), and through the Web API
// otherwise.
type replier struct {
	a       *Adapter
	to      replyTo
	respond *responseURL // nil when rebuilt from a stored replyTo
}

func (a *Adapter) newReplier(to replyTo, respondTo string) *replier {
	r := &replier{a: a, to: to}
	switch {
	case respondTo == "":
	case !a.responseURLAllowed(respondTo):
		a.log.Warn("slack: a payload's response_url is not Slack's; answering through the Web API")
	default:
		r.respond = &responseURL{url: respondTo}
	}
	return r
}

func (r *replier) replyTo() json.RawMessage {
	b, _ := json.Marshal(r.to)
	return b
}

// replierFor rebuilds a replier from a stored replyTo of this platform.
func (a *Adapter) replierFor(raw json.RawMessage) (chat.Replier, bool) {
	var to replyTo
	if json.Unmarshal(raw, &to) != nil || to.Platform != Source || !slackID(to.Channel) || !slackID(to.User) {
		return nil, false
	}
	return a.newReplier(to, ""), true
}

func (r *replier) Ephemeral(ctx context.Context, reply chat.Reply) error {
	msg := Render(reply)
	if r.respond != nil {
		err := r.a.postResponse(ctx, r.respond, responseBody{Type: "ephemeral", Text: msg.Text, Blocks: msg.Blocks})
		if err == nil || !errorsIsUsedUp(err) {
			return err
		}
	}
	return r.a.withRetry(ctx, "chat.postEphemeral", func(ctx context.Context) error {
		opts := msgOptions(msg)
		if r.to.Thread != "" {
			opts = append(opts, slack.MsgOptionTS(r.to.Thread))
		}
		_, err := r.a.api.PostEphemeralContext(ctx, r.to.Channel, r.to.User, opts...)
		return err
	})
}

func (r *replier) Public(ctx context.Context, reply chat.Reply) (string, error) {
	msg := Render(reply)
	var ts string
	err := r.a.withRetry(ctx, "chat.postMessage", func(ctx context.Context) error {
		opts := msgOptions(msg)
		if r.to.Thread != "" {
			opts = append(opts, slack.MsgOptionTS(r.to.Thread))
		}
		var err error
		_, ts, err = r.a.api.PostMessageContext(ctx, r.to.Channel, opts...)
		return err
	})
	return ts, err
}

func (r *replier) Edit(ctx context.Context, ref string, reply chat.Reply) error {
	msg := Render(reply)
	return r.a.withRetry(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := r.a.api.UpdateMessageContext(ctx, r.to.Channel, ref, msgOptions(msg)...)
		return err
	})
}

func (r *replier) Replace(ctx context.Context, reply chat.Reply) error {
	if r.respond == nil {
		return r.Ephemeral(ctx, reply)
	}
	msg := Render(reply)
	err := r.a.postResponse(ctx, r.respond, responseBody{Replace: true, Text: msg.Text, Blocks: msg.Blocks})
	if errorsIsUsedUp(err) {
		return r.Ephemeral(ctx, reply)
	}
	return err
}

// withRetry makes one Web API call, again after a rate limit (Slack did
// not act on a 429, so repeating is safe) up to three times and within
// maxWait; any other failure is returned as it is, classified: repeating a
// post that may have been made would post it twice.
func (a *Adapter) withRetry(ctx context.Context, method string, call func(context.Context) error) error {
	const attempts, maxWait = 3, 30 * time.Second
	for i := 1; ; i++ {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		err := classify(method, call(cctx))
		cancel()
		var fe *fault.Error
		if err == nil || i == attempts || !asFault(err, &fe) || fe.Class != fault.RateLimited || fe.RetryAfter > maxWait {
			return err
		}
		wait := max(fe.RetryAfter, time.Second)
		a.log.Info("slack: rate limited; retrying", "method", method, "after", wait)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// responseURL counts the uses of one response_url: Slack allows five
// within 30 minutes of the command or press.
type responseURL struct {
	url  string
	mu   sync.Mutex
	used int
}

// maxResponseUses is Slack's limit on posts to one response_url.
const maxResponseUses = 5

// take reserves one use, or reports that none is left.
func (u *responseURL) take() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.used >= maxResponseUses {
		return false
	}
	u.used++
	return true
}
