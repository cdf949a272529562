package slacktest

import (
	"encoding/json"
	"net/url"
)

// SlashCommand is what Slack sends an app when a user runs its command.
// Server.Slash fills in what a test leaves empty.
type SlashCommand struct {
	Team, TeamDomain string
	User, UserName   string
	Channel          string
	ChannelName      string
	Command          string // "/vps"
	Text             string
	TriggerID        string
	ResponseURL      string
	APIAppID         string
	Token            string // the deprecated verification token Slack still sends
}

// Values are the form fields Slack posts to the app's request URL.
func (c SlashCommand) Values() url.Values {
	v := url.Values{}
	for k, s := range c.fields() {
		v.Set(k, s)
	}
	return v
}

// Body is the signed form body of an HTTP-mode slash command.
func (c SlashCommand) Body() []byte { return []byte(c.Values().Encode()) }

// JSON is the payload of a slash_commands Socket Mode envelope: the same
// fields, as a JSON object of strings.
func (c SlashCommand) JSON() json.RawMessage { return rawJSON(c.fields()) }

func (c SlashCommand) fields() map[string]string {
	return map[string]string{
		"token": c.Token, "team_id": c.Team, "team_domain": c.TeamDomain,
		"channel_id": c.Channel, "channel_name": c.ChannelName,
		"user_id": c.User, "user_name": c.UserName,
		"command": c.Command, "text": c.Text, "api_app_id": c.APIAppID,
		"is_enterprise_install": "false",
		"response_url":          c.ResponseURL, "trigger_id": c.TriggerID,
	}
}

// Envelope wraps the command for Socket Mode.
func (c SlashCommand) Envelope() Envelope {
	return Envelope{Type: "slash_commands", Payload: c.JSON(), AcceptsResponsePayload: true}
}

// Slash fills in a slash command as this workspace would send it: team,
// channel name, command, app id, a fresh trigger id and response_url.
func (s *Server) Slash(c SlashCommand) SlashCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	fill(&c.Team, s.opts.TeamID)
	fill(&c.TeamDomain, s.opts.TeamDomain)
	fill(&c.ChannelName, s.opts.Channels[c.Channel])
	fill(&c.UserName, c.User)
	fill(&c.Command, "/vps")
	fill(&c.APIAppID, s.opts.AppID)
	fill(&c.Token, "fake-verification-token")
	if c.TriggerID == "" {
		c.TriggerID = s.triggerLocked()
	}
	if c.ResponseURL == "" {
		c.ResponseURL = s.hookLocked("commands", c.Channel, c.User, "")
	}
	return c
}

func fill(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// BlockActions is what Slack sends when a user presses a button.
// Server.Actions (or Server.Press) fills in what a test leaves empty.
type BlockActions struct {
	Team, TeamDomain string
	User, UserName   string
	Channel          string
	ChannelName      string
	MessageTS        string
	Ephemeral        bool            // the button was on an ephemeral message
	Message          json.RawMessage // the message the button was on; Slack leaves it out for an ephemeral
	TriggerID        string
	ResponseURL      string
	APIAppID         string
	Token            string
	Actions          []Action
}

// Action is one pressed element.
type Action struct {
	ActionID, BlockID string
	Value             string
	Type              string // "button"
	Text              string // the button's label
	ActionTS          string
}

// JSON is the block_actions payload, as Slack posts it (in the payload
// form field) and as an interactive Socket Mode envelope carries it.
func (b BlockActions) JSON() json.RawMessage {
	actions := []map[string]any{}
	for _, a := range b.Actions {
		actions = append(actions, map[string]any{
			"action_id": a.ActionID, "block_id": a.BlockID, "value": a.Value,
			"type": a.Type, "action_ts": a.ActionTS,
			"text": map[string]any{"type": "plain_text", "text": a.Text, "emoji": true},
		})
	}
	p := map[string]any{
		"type":                  "block_actions",
		"token":                 b.Token,
		"team":                  map[string]string{"id": b.Team, "domain": b.TeamDomain},
		"user":                  map[string]string{"id": b.User, "username": b.UserName, "name": b.UserName, "team_id": b.Team},
		"api_app_id":            b.APIAppID,
		"enterprise":            nil,
		"is_enterprise_install": false,
		"container": map[string]any{
			"type": "message", "message_ts": b.MessageTS,
			"channel_id": b.Channel, "is_ephemeral": b.Ephemeral,
		},
		"trigger_id":   b.TriggerID,
		"channel":      map[string]string{"id": b.Channel, "name": b.ChannelName},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": b.ResponseURL,
		"actions":      actions,
	}
	if len(b.Message) > 0 {
		p["message"] = b.Message
	}
	return rawJSON(p)
}

// Body is the signed form body of an HTTP-mode interaction: payload=<json>.
func (b BlockActions) Body() []byte {
	return []byte(url.Values{"payload": {string(b.JSON())}}.Encode())
}

// Envelope wraps the interaction for Socket Mode.
func (b BlockActions) Envelope() Envelope {
	return Envelope{Type: "interactive", Payload: b.JSON()}
}

// Actions fills in a button press as this workspace would send it. When
// MessageTS names a message the fake holds (the user's ephemeral or a
// channel message), it says which and carries the message; the
// response_url acts on that message.
func (s *Server) Actions(b BlockActions) BlockActions {
	s.mu.Lock()
	defer s.mu.Unlock()
	fill(&b.Team, s.opts.TeamID)
	fill(&b.TeamDomain, s.opts.TeamDomain)
	fill(&b.ChannelName, s.opts.Channels[b.Channel])
	fill(&b.UserName, b.User)
	fill(&b.APIAppID, s.opts.AppID)
	fill(&b.Token, "fake-verification-token")
	if s.findEphemeralLocked(b.User, b.MessageTS) != nil {
		b.Ephemeral = true
	} else if m := s.findMessageLocked(b.Channel, b.MessageTS); m != nil && b.Message == nil {
		b.Message = rawJSON(s.messageJSON(m))
	}
	if b.TriggerID == "" {
		b.TriggerID = s.triggerLocked()
	}
	if b.ResponseURL == "" {
		b.ResponseURL = s.hookLocked("actions", b.Channel, b.User, b.MessageTS)
	}
	for i := range b.Actions {
		fill(&b.Actions[i].Type, "button")
		fill(&b.Actions[i].ActionTS, s.tsLocked())
	}
	return b
}
