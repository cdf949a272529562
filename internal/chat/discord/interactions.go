package discord

import (
	"context"
	"encoding/json"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// interaction decides Discord's immediate answer to one interaction (the
// callback: a deferral, autocomplete choices, PONG, or an error) and starts
// the work, whose replies wait for acked (closed by the transport once the
// answer is sent). It never waits for a provider.
func (a *Adapter) interaction(i *discordgo.Interaction, acked <-chan struct{}) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionPing {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
	}
	who, user, err := identity(i)
	if err != nil {
		return errorResponse(err)
	}
	if i.ID != "" {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		seen, err := a.seen.Seen(ctx, interactionKey+i.ID, interactionKeep)
		cancel()
		if err != nil {
			// Failing closed: not acted on, and said so once.
			a.log.Warn("discord: checking for a repeated interaction failed; not acting on it", "err", err)
			return errorResponse(chat.ErrDeliveryUnknown)
		}
		if seen {
			// Delivered twice (a resume, a retry, another replica's
			// session): acted on already, and answered by that delivery.
			return duplicate
		}
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return a.command(i, who, user, acked)
	case discordgo.InteractionMessageComponent:
		return a.press(i, who, user, acked)
	case discordgo.InteractionApplicationCommandAutocomplete:
		return a.autocomplete(i, who)
	}
	return errorResponse(fault.Errorf(fault.Invalid, "vpsops does not take this kind of interaction"))
}

func (a *Adapter) command(i *discordgo.Interaction, who commands.Principal, user string, acked <-chan struct{}) *discordgo.InteractionResponse {
	name, args, err := Invocation(a.runner.Registry(), i.ApplicationCommandData())
	if err != nil {
		return errorResponse(a.runner.Refused(context.Background(), commands.Request{Source: Source, Principal: who}, err))
	}
	c := chat.Command{Principal: who, Groups: roles(i), Name: name, Args: args}
	visible := a.conv.Visible(c)
	r := a.newReplier(i, user, acked, !visible, false)
	c.ReplyTo, c.Reply = r.replyTo(), r
	a.conv.Command(c)
	defer1 := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{}}
	if !visible {
		defer1.Data.Flags = discordgo.MessageFlagsEphemeral
	}
	return defer1
}

func (a *Adapter) press(i *discordgo.Interaction, who commands.Principal, user string, acked <-chan struct{}) *discordgo.InteractionResponse {
	b, err := chat.DecodeButton(i.MessageComponentData().CustomID)
	if err != nil {
		return errorResponse(a.runner.Refused(context.Background(), commands.Request{Source: Source, Principal: who}, err))
	}
	ephemeral := i.Message != nil && i.Message.Flags&discordgo.MessageFlagsEphemeral != 0
	r := a.newReplier(i, user, acked, ephemeral, true)
	a.conv.Press(chat.Press{Principal: who, Groups: roles(i), Button: b, ReplyTo: r.replyTo(), Ephemeral: ephemeral, Reply: r})
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
}

// identity is who acted, from the signed interaction only: the member's
// user in a guild, the user in a direct message.
func identity(i *discordgo.Interaction) (commands.Principal, string, error) {
	var id string
	switch {
	case i.Member != nil && i.Member.User != nil:
		id = i.Member.User.ID
	case i.User != nil:
		id = i.User.ID
	}
	if !isSnowflake(id) {
		return "", "", fault.Errorf(fault.Invalid, "discord interaction: no user")
	}
	return commands.Principal("discord:" + id), id, nil
}

// roles are the member's roles in the guild the interaction came from,
// as policy subjects (discord-role:<guild>:<role>), so that a role such
// as "oncall" can be granted approver. They come from the signed
// interaction only, never from a cache of the guild a forged request
// could fill; a direct message has none.
func roles(i *discordgo.Interaction) []string {
	if i.Member == nil || !isSnowflake(i.GuildID) {
		return nil
	}
	var out []string
	for _, r := range i.Member.Roles {
		if isSnowflake(r) && r != i.GuildID { // the guild id is @everyone's role
			out = append(out, "discord-role:"+i.GuildID+":"+r)
		}
	}
	return out
}

// isSnowflake reports whether s is a Discord id.
func isSnowflake(s string) bool { return snowflake.MatchString(s) }

// errorResponse answers an interaction at once with one private line.
func errorResponse(err error) *discordgo.InteractionResponse {
	msg := Render(chat.Reply{Err: err})
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: msg.Content, Embeds: msg.Embeds,
			AllowedMentions: msg.AllowedMentions, Flags: discordgo.MessageFlagsEphemeral}}
}

// undecodable answers an interaction discordgo could not read (a
// component type it does not know, such as Components V2): one private
// line instead of silence.
func undecodable() *discordgo.InteractionResponse {
	return errorResponse(fault.Errorf(fault.Invalid, "vpsops cannot read this interaction (an unknown component type); use /vps"))
}

// interactionKey is an interaction's delivery key, apart from other
// platforms' in a shared store; interactionKeep how long it is kept: twice
// the life of its token, past which Discord cannot deliver it again.
const (
	interactionKey  = "discord:interaction:"
	interactionKeep = 2 * tokenLife
)

// duplicate is the answer to an interaction acted on already. Over HTTP it
// answers the request (one private line, which goes nowhere useful: the
// first delivery answered); over the gateway it is not sent at all, as it
// could reach Discord before the first delivery's own answer.
var duplicate = errorResponse(fault.Errorf(fault.Conflict, "this interaction was handled already"))

// interactionCreate is the gateway event that carries an interaction.
const interactionCreate = "INTERACTION_CREATE"

// gatewayEvent answers an interaction that came over the gateway: the
// callback is a REST call, made before any reply. One discordgo cannot
// decode gets the private error, through the id and token it carried.
func (a *Adapter) gatewayEvent(raw []byte) {
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		var head struct {
			ID    string `json:"id"`
			Token string `json:"token"`
		}
		if json.Unmarshal(raw, &head) != nil || !isSnowflake(head.ID) || head.Token == "" {
			a.log.Warn("discord: an unreadable interaction came over the gateway", "what", shortType(raw))
			return
		}
		start := time.Now()
		a.refused(context.Background(), a.refusals, fault.Errorf(fault.Invalid, "discord interaction over the gateway: undecodable (%s)", shortType(raw)))
		a.respond(&discordgo.Interaction{ID: head.ID, Token: head.Token}, undecodable())
		chat.Acked(a.cfg.Acks, Source, chat.AckRefused, start)
		return
	}
	start := time.Now()
	acked := make(chan struct{})
	defer close(acked)
	if resp := a.interaction(&i, acked); resp != duplicate {
		a.respond(&i, resp)
	}
	chat.Acked(a.cfg.Acks, Source, ackKind(i.Type), start)
}

// ackKind is the kind of acknowledgement an interaction of type t gets.
func ackKind(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionPing:
		return chat.AckPing
	case discordgo.InteractionApplicationCommand:
		return chat.AckCommand
	case discordgo.InteractionMessageComponent:
		return chat.AckPress
	case discordgo.InteractionApplicationCommandAutocomplete:
		return chat.AckAutocomplete
	}
	return chat.AckOther
}

// respond sends an interaction's first answer over REST.
func (a *Adapter) respond(i *discordgo.Interaction, resp *discordgo.InteractionResponse) {
	if err := a.s.InteractionRespond(i, resp); err != nil {
		a.log.Warn("discord: answering an interaction failed", "err", classify("interaction callback", err))
	}
}

// replyTo is where a requester is told of a later outcome: ids only (an
// interaction token is a credential, valid 15 minutes).
type replyTo struct {
	Platform string `json:"platform"`
	Channel  string `json:"channel"`
	User     string `json:"user"`
}

func (a *Adapter) replierFor(raw json.RawMessage) (chat.Replier, bool) {
	var to replyTo
	if json.Unmarshal(raw, &to) != nil || to.Platform != Source || !isSnowflake(to.Channel) || !isSnowflake(to.User) {
		return nil, false
	}
	return &replier{a: a, to: to}, true
}

// tokenLife is how long an interaction's token takes follow-ups and edits.
const tokenLife = 15 * time.Minute

func (a *Adapter) newReplier(i *discordgo.Interaction, user string, acked <-chan struct{}, ephemeral, component bool) *replier {
	return &replier{a: a, to: replyTo{Platform: Source, Channel: i.ChannelID, User: user},
		i: i, acked: acked, until: a.cfg.Clock().Add(tokenLife - 30*time.Second),
		originalPending: !component, originalEphemeral: ephemeral, component: component}
}

func (r *replier) replyTo() json.RawMessage {
	b, _ := json.Marshal(r.to)
	return b
}
