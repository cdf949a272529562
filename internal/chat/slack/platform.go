package slack

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// platform is the approvals channel, as chat.Approvals posts and edits
// approval messages in it.
type platform struct{ a *Adapter }

func (p platform) Name() string                 { return Source }
func (p platform) ApprovalsChannel() string     { return p.a.cfg.ApprovalsChannel }
func (p platform) Approver() commands.Principal { return commands.Approvers }

func (p platform) Post(ctx context.Context, channel string, v commands.RequestView) (string, error) {
	msg := Render(chat.Reply{View: &v})
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, ts, err := p.a.api.PostMessageContext(ctx, channel, msgOptions(msg)...)
	return ts, classify("chat.postMessage", err)
}

func (p platform) Update(ctx context.Context, channel, messageID string, v commands.RequestView) error {
	msg := Render(chat.Reply{View: &v})
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, _, _, err := p.a.api.UpdateMessageContext(ctx, channel, messageID, msgOptions(msg)...)
	return classify("chat.update", err)
}

// msgOptions sends a rendered message: its blocks, and its text for
// notifications and clients that show no blocks. Links in it are never
// unfurled: a server's name is not an invitation to fetch a URL.
func msgOptions(m Message) []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionText(m.Text, false), slack.MsgOptionDisableLinkUnfurl()}
}
