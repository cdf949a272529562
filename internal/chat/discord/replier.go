package discord

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/fault"
)

// replier answers one person through one interaction: its deferred
// original response and follow-ups, with the interaction's token, for 15
// minutes; after that (or without an interaction: an outcome told later)
// with the bot's own messages in the channel, and a direct message for
// what only they may see.
type replier struct {
	a  *Adapter
	to replyTo
	i  *discordgo.Interaction // nil when rebuilt from a stored replyTo
	// acked is closed once Discord has the interaction's first answer:
	// no follow-up or edit may go before it.
	acked <-chan struct{}
	until time.Time // when the token stops being safe to use

	mu sync.Mutex
	// originalPending: the deferred original response ("thinking...")
	// waits for its content. originalEphemeral: it was deferred
	// privately. component: the interaction is a press, and @original is
	// the message the button was on.
	originalPending, originalEphemeral, component bool
	// moved maps a webhook message that could no longer be edited (the
	// token expired) to the bot message that replaced it.
	moved map[string]string
}

// Refs of messages: webhook messages (of the interaction) and channel
// messages (the bot's own) are edited by different routes.
const (
	original      = "w:@original"
	webhookPrefix = "w:"
	channelPrefix = "c:"
)

func (r *replier) live() bool { return r.i != nil && r.a.cfg.Clock().Before(r.until) }

// wait holds the first call until Discord has the interaction's answer.
func (r *replier) wait(ctx context.Context) {
	if r.acked == nil {
		return
	}
	select {
	case <-r.acked:
	case <-ctx.Done():
	}
}

func (r *replier) Ephemeral(ctx context.Context, reply chat.Reply) error {
	msg := Render(reply)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.live() {
		return r.direct(ctx, msg)
	}
	r.wait(ctx)
	if r.originalPending && r.originalEphemeral {
		r.originalPending = false
		return r.editWebhook(ctx, "@original", msg)
	}
	if r.originalPending {
		// Deferred in the channel, answered privately: the channel's
		// "thinking..." goes rather than stay forever.
		r.originalPending = false
		if err := r.retryEarly(ctx, func() error { return r.a.s.InteractionResponseDelete(r.i) }); err != nil {
			r.a.log.Debug("discord: removing a deferred response failed", "err", classify("delete response", err))
		}
	}
	_, err := r.followUp(ctx, msg, true)
	return err
}

func (r *replier) Public(ctx context.Context, reply chat.Reply) (string, error) {
	msg := Render(reply)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.live() {
		return r.channelPost(ctx, msg)
	}
	r.wait(ctx)
	if r.originalPending && !r.originalEphemeral {
		r.originalPending = false
		return original, r.editWebhook(ctx, "@original", msg)
	}
	return r.followUp(ctx, msg, false)
}

func (r *replier) Edit(ctx context.Context, ref string, reply chat.Reply) error {
	msg := Render(reply)
	r.mu.Lock()
	defer r.mu.Unlock()
	if to, ok := r.moved[ref]; ok {
		ref = to
	}
	if id, ok := strings.CutPrefix(ref, channelPrefix); ok {
		return r.channelEdit(ctx, id, msg)
	}
	id, ok := strings.CutPrefix(ref, webhookPrefix)
	if !ok {
		return fault.Errorf(fault.Invalid, "discord: no message %q to edit", ref)
	}
	if r.live() {
		return r.editWebhook(ctx, id, msg)
	}
	// Past the token's 15 minutes (a long reinstall): the bot posts the
	// message anew and edits that from now on.
	newRef, err := r.channelPost(ctx, msg)
	if err != nil {
		return err
	}
	if r.moved == nil {
		r.moved = map[string]string{}
	}
	r.moved[ref] = newRef
	return nil
}

func (r *replier) Replace(ctx context.Context, reply chat.Reply) error {
	if !r.component || !r.live() {
		return r.Ephemeral(ctx, reply)
	}
	msg := Render(reply)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wait(ctx)
	return r.editWebhook(ctx, "@original", msg)
}

func (r *replier) editWebhook(ctx context.Context, id string, msg Message) error {
	edit := &discordgo.WebhookEdit{Content: &msg.Content, Embeds: &msg.Embeds, Components: components(msg),
		AllowedMentions: msg.AllowedMentions}
	return classify("edit response", r.retryEarly(ctx, func() error {
		var err error
		if id == "@original" {
			_, err = r.a.s.InteractionResponseEdit(r.i, edit, discordgo.WithContext(ctx))
		} else {
			_, err = r.a.s.FollowupMessageEdit(r.i, id, edit, discordgo.WithContext(ctx))
		}
		return err
	}))
}

func (r *replier) followUp(ctx context.Context, msg Message, ephemeral bool) (string, error) {
	p := &discordgo.WebhookParams{Content: msg.Content, Embeds: msg.Embeds, Components: msg.Components,
		AllowedMentions: msg.AllowedMentions}
	if ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	var m *discordgo.Message
	err := r.retryEarly(ctx, func() error {
		var err error
		m, err = r.a.s.FollowupMessageCreate(r.i, true, p, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return "", classify("follow-up", err)
	}
	return webhookPrefix + m.ID, nil
}

// retryEarly repeats a webhook call that Discord answered "unknown" in the
// first seconds after the interaction: over HTTP, the answer that
// acknowledges it reaches Discord only after the handler returned.
func (r *replier) retryEarly(ctx context.Context, call func() error) error {
	for attempt := 0; ; attempt++ {
		err := call()
		var rest *discordgo.RESTError
		if err == nil || attempt == 4 || !errors.As(err, &rest) || rest.Response == nil || rest.Response.StatusCode != 404 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		}
	}
}

func (r *replier) channelPost(ctx context.Context, msg Message) (string, error) {
	m, err := r.a.s.ChannelMessageSendComplex(r.to.Channel, &discordgo.MessageSend{Content: msg.Content,
		Embeds: msg.Embeds, Components: msg.Components, AllowedMentions: msg.AllowedMentions}, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify("post message", err)
	}
	return channelPrefix + m.ID, nil
}

func (r *replier) channelEdit(ctx context.Context, id string, msg Message) error {
	_, err := r.a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: id, Channel: r.to.Channel,
		Content: &msg.Content, Embeds: &msg.Embeds, Components: components(msg), AllowedMentions: msg.AllowedMentions},
		discordgo.WithContext(ctx))
	return classify("edit message", err)
}

// direct shows msg to the person alone once no interaction can: in a
// direct message from the bot (a secret never goes to a channel).
func (r *replier) direct(ctx context.Context, msg Message) error {
	ch, err := r.a.s.UserChannelCreate(r.to.User, discordgo.WithContext(ctx))
	if err != nil {
		return classify("open direct message", err)
	}
	_, err = r.a.s.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{Content: msg.Content,
		Embeds: msg.Embeds, Components: msg.Components, AllowedMentions: msg.AllowedMentions}, discordgo.WithContext(ctx))
	return classify("direct message", err)
}
