package slack

import (
	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/fault"
)

// slashCommand starts one /vps command. It returns at once (the command
// runs in the background and answers through the response_url), so the
// acknowledgement never waits for a provider. A malformed payload is
// refused with an error for the caller to answer and audit. envelope is
// the Socket Mode envelope's delivery key ("" over HTTP): a command
// delivered before, under either key, is dropped; one that cannot be
// checked is answered with chat.ErrDeliveryUnknown and not run.
func (a *Adapter) slashCommand(sc slack.SlashCommand, envelope string) error {
	who, err := principal(orgOf(sc.EnterpriseID, sc.TeamID), sc.UserID)
	if err != nil {
		return err
	}
	if !slackID(sc.ChannelID) {
		return fault.Errorf(fault.Invalid, "slack request: malformed channel id")
	}
	r := a.newReplier(replyTo{Platform: Source, Team: sc.TeamID, Channel: sc.ChannelID, User: sc.UserID}, sc.ResponseURL)
	if !a.firstOrSay(r, deliveryKeys(envelope, triggerKey, sc.TriggerID)...) {
		return nil // a redelivery of a command already started, or it cannot be told
	}
	a.conv.Command(chat.Command{Principal: who, Text: sc.Text, ReplyTo: r.replyTo(), Reply: r})
	return nil
}

// interaction acts on a button press. Only block_actions on our own
// buttons do anything; every other interaction is acknowledged and
// ignored. envelope is as for slashCommand.
func (a *Adapter) interaction(cb slack.InteractionCallback, envelope string) error {
	if cb.Type != slack.InteractionTypeBlockActions {
		a.log.Debug("slack: ignoring an interaction", "type", cb.Type)
		return nil
	}
	// The presser's own team, never the payload's team: in a channel
	// shared with another organisation that is the host's, and an outsider
	// would act as one of its members.
	if cb.User.TeamID == "" && cb.Enterprise.ID == "" {
		return fault.Errorf(fault.Invalid, "slack request: the press does not say the user's team")
	}
	team := cb.User.TeamID
	who, err := principal(orgOf(cb.Enterprise.ID, team), cb.User.ID)
	if err != nil {
		return err
	}
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	if !slackID(channel) {
		return fault.Errorf(fault.Invalid, "slack request: malformed channel id")
	}
	if len(cb.ActionCallback.BlockActions) != 1 {
		return fault.Errorf(fault.Invalid, "slack request: a press carries one action")
	}
	act := cb.ActionCallback.BlockActions[0]
	b, err := chat.ParseButton(act.ActionID, act.Value)
	if err != nil {
		return err
	}
	thread := cb.Container.ThreadTs
	r := a.newReplier(replyTo{Platform: Source, Team: team, Channel: channel, User: cb.User.ID, Thread: thread}, cb.ResponseURL)
	press := cb.User.ID + ":" + act.ActionTs + ":" + act.ActionID + ":" + act.Value
	if !a.firstOrSay(r, deliveryKeys(envelope, pressKey, press)...) {
		return nil // a redelivery of a press already acted on, or it cannot be told
	}
	a.conv.Press(chat.Press{Principal: who, Button: b, ReplyTo: r.replyTo(), Ephemeral: cb.Container.IsEphemeral, Reply: r})
	return nil
}

// orgOf is the team part of a Slack principal: the Enterprise Grid
// organisation when there is one (one person has one id across its
// workspaces, and must be one principal whichever workspace they type
// in), else the workspace.
func orgOf(enterprise, team string) string {
	if enterprise != "" {
		return enterprise
	}
	return team
}

// deliveryKeys are the keys a delivery is known by: its envelope's (Socket
// Mode) and its own (kind+id), when they are set.
func deliveryKeys(envelope, kind, id string) []string {
	var keys []string
	if envelope != "" {
		keys = append(keys, envelope)
	}
	if id != "" {
		keys = append(keys, kind+id)
	}
	return keys
}

// firstOrSay reports whether a delivery is new; when that cannot be told
// it says so to the person, privately, once, and reports false.
func (a *Adapter) firstOrSay(r *replier, keys ...string) bool {
	ok, err := a.first(keys...)
	if err != nil {
		a.conv.Refuse(r, chat.ErrDeliveryUnknown)
	}
	return ok
}
