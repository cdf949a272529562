package discordtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// Message types the fake returns.
const (
	messageDefault   = 0
	messageChatInput = 20 // a response to a slash command
)

// newVersion is what a new message shows: the body's fields, flags
// limited to those a sender may set.
func newVersion(b messageBody) Version {
	v := Version{AllowedMentions: b.AllowedMentions}
	if b.Content != nil {
		v.Content = *b.Content
	}
	v.Embeds = listOrNil(b.Embeds)
	v.Components = listOrNil(b.Components)
	if b.Flags != nil {
		v.Flags = *b.Flags
	}
	return v
}

// edited is v after an edit with body b: what b leaves out stays, an
// empty list removes, and a deferred response stops loading.
func edited(v Version, b messageBody) Version {
	if b.Content != nil {
		v.Content = *b.Content
	}
	if b.Embeds != nil {
		v.Embeds = listOrNil(b.Embeds)
	}
	if b.Components != nil {
		v.Components = listOrNil(b.Components)
	}
	if b.AllowedMentions != nil {
		v.AllowedMentions = b.AllowedMentions
	}
	v.Flags &^= FlagLoading
	return v
}

// listOrNil reads an absent, null or empty list as none.
func listOrNil(raw *json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	switch string(bytes.TrimSpace(*raw)) {
	case "", "null", "[]":
		return nil
	}
	return *raw
}

// addMessageLocked stores a new message; one that is not ephemeral is
// listed in its channel.
func (s *Server) addMessageLocked(channel, interaction string, v Version) *Message {
	m := &Message{
		ID: s.idLocked(), ChannelID: channel, Interaction: interaction,
		Ephemeral: v.Flags&FlagEphemeral != 0,
		History:   []Version{v}, Posted: s.opts.Clock(),
	}
	s.st.messages[m.ID] = m
	if !m.Ephemeral {
		s.st.channels[channel] = append(s.st.channels[channel], m)
	}
	return m
}

func (s *Server) editLocked(m *Message, v Version) {
	m.History = append(m.History, v)
	m.Edited = s.opts.Clock()
}

// messageJSON is a message as the REST API returns it.
func (s *Server) messageJSON(m *Message) map[string]any {
	v := m.Now()
	list := func(raw json.RawMessage) any {
		if raw == nil {
			return []any{}
		}
		return raw
	}
	out := map[string]any{
		"id": m.ID, "type": messageDefault, "channel_id": m.ChannelID,
		"content": v.Content, "embeds": list(v.Embeds), "components": list(v.Components),
		"flags": v.Flags, "tts": false, "pinned": false, "mention_everyone": false,
		"mentions": []any{}, "mention_roles": []any{}, "attachments": []any{},
		"author": s.botUser(), "timestamp": m.Posted.UTC().Format(time.RFC3339Nano),
		"edited_timestamp": nil,
	}
	if !m.Edited.IsZero() {
		out["edited_timestamp"] = m.Edited.UTC().Format(time.RFC3339Nano)
	}
	if m.Interaction != "" {
		out["webhook_id"] = s.opts.ApplicationID
		out["application_id"] = s.opts.ApplicationID
		if x := s.st.interactions[m.Interaction]; x != nil && x.in.Type == InteractionCommand {
			out["type"] = messageChatInput
		}
	}
	return out
}

// botUser is the bot's user object.
func (s *Server) botUser() map[string]any {
	return map[string]any{
		"id": s.opts.ApplicationID, "username": s.opts.BotUserName,
		"discriminator": "0", "global_name": nil, "avatar": nil, "bot": true,
	}
}

// readMessage decodes and checks a message body: a 400 answer when it is
// not an object or breaks a limit.
func readMessage(c call, isNew bool) (messageBody, *answer) {
	var b messageBody
	if !c.decode(&b) {
		a := fail(http.StatusBadRequest, CodeInvalidFormBody, "Invalid Form Body")
		return b, &a
	}
	if ps := checkMessage(b); len(ps) > 0 {
		a := ps.answer()
		return b, &a
	}
	if isNew && b.empty() {
		a := fail(http.StatusBadRequest, CodeEmptyMessage, "Cannot send an empty message")
		return b, &a
	}
	return b, nil
}

func (s *Server) messageCreate(c call) answer {
	ch := c.path("channel")
	if !s.knownChannel(ch) {
		return fail(http.StatusNotFound, CodeUnknownChannel, "Unknown Channel")
	}
	b, bad := readMessage(c, true)
	if bad != nil {
		return *bad
	}
	v := newVersion(b)
	v.Flags &^= FlagEphemeral // only interaction responses can be ephemeral
	return ok(s.messageJSON(s.addMessageLocked(ch, "", v)))
}

// channelMessageLocked finds a message the channel shows.
func (s *Server) channelMessageLocked(c call) (*Message, *answer) {
	ch := c.path("channel")
	if !s.knownChannel(ch) {
		a := fail(http.StatusNotFound, CodeUnknownChannel, "Unknown Channel")
		return nil, &a
	}
	m := s.st.messages[c.path("message")]
	if m == nil || m.ChannelID != ch || m.Ephemeral || m.Deleted {
		a := fail(http.StatusNotFound, CodeUnknownMessage, "Unknown Message")
		return nil, &a
	}
	return m, nil
}

func (s *Server) messageGet(c call) answer {
	m, bad := s.channelMessageLocked(c)
	if bad != nil {
		return *bad
	}
	return ok(s.messageJSON(m))
}

func (s *Server) messageEdit(c call) answer {
	m, bad := s.channelMessageLocked(c)
	if bad != nil {
		return *bad
	}
	b, bad := readMessage(c, false)
	if bad != nil {
		return *bad
	}
	v := edited(m.Now(), b)
	if versionEmpty(v) {
		return fail(http.StatusBadRequest, CodeEmptyMessage, "Cannot send an empty message")
	}
	s.editLocked(m, v)
	return ok(s.messageJSON(m))
}
