package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// platform is the approvals channel, where chat.Approvals posts approval
// messages and edits them with the bot token: an interaction's token
// lasts 15 minutes, an approval may wait 30.
type platform struct{ a *Adapter }

func (p platform) Name() string                 { return Source }
func (p platform) ApprovalsChannel() string     { return p.a.cfg.ApprovalsChannel }
func (p platform) Approver() commands.Principal { return commands.Approvers }

func (p platform) Post(ctx context.Context, channel string, v commands.RequestView) (string, error) {
	msg := Render(chat.Reply{View: &v})
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	m, err := p.a.s.ChannelMessageSendComplex(channel, &discordgo.MessageSend{Content: msg.Content, Embeds: msg.Embeds,
		Components: msg.Components, AllowedMentions: msg.AllowedMentions}, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify("post approval", err)
	}
	return m.ID, nil
}

func (p platform) Update(ctx context.Context, channel, messageID string, v commands.RequestView) error {
	msg := Render(chat.Reply{View: &v})
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err := p.a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: messageID, Channel: channel,
		Content: &msg.Content, Embeds: &msg.Embeds, Components: components(msg), AllowedMentions: msg.AllowedMentions},
		discordgo.WithContext(ctx))
	return classify("edit approval", err)
}

// components are msg's buttons for an edit: an empty list, not none, when
// it has none, so that an edit removes the buttons of a decided request
// (Discord keeps what an edit leaves out).
func components(msg Message) *[]discordgo.MessageComponent {
	c := msg.Components
	if c == nil {
		c = []discordgo.MessageComponent{}
	}
	return &c
}
