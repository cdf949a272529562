package slack

import (
	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/fault"
)

// slashCommand starts one /vps command. It returns at once (the command
// runs in the background and answers through the response_url), so the
// acknowledgement never waits for a provider. A malformed payload is
// refused with an error for the caller to answer and audit.
func (a *Adapter) slashCommand(sc slack.SlashCommand) error {
	who, err := principal(orgOf(sc.EnterpriseID, sc.TeamID), sc.UserID)
	if err != nil {
		return err
	}
	if !slackID(sc.ChannelID) {
		return fault.Errorf(fault.Invalid, "slack request: malformed channel id")
	}
	if sc.TriggerID != "" && a.delivered.Seen("trigger:"+sc.TriggerID) {
		return nil // a redelivery of a command already started
	}
	r := a.newReplier(replyTo{Platform: Source, Team: sc.TeamID, Channel: sc.ChannelID, User: sc.UserID}, sc.ResponseURL)
	a.conv.Command(chat.Command{Principal: who, Text: sc.Text, ReplyTo: r.replyTo(), Reply: r})
	return nil
}

// interaction acts on a button press. Only block_actions on our own
// buttons do anything; every other interaction is acknowledged and
// ignored.
func (a *Adapter) interaction(cb slack.InteractionCallback) error {
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
	if a.delivered.Seen("press:" + cb.User.ID + ":" + act.ActionTs + ":" + act.ActionID + ":" + act.Value) {
		return nil // a redelivery of a press already acted on
	}
	thread := cb.Container.ThreadTs
	r := a.newReplier(replyTo{Platform: Source, Team: team, Channel: channel, User: cb.User.ID, Thread: thread}, cb.ResponseURL)
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
