package slacktest

import (
	"bytes"
	"encoding/json"
)

// content reads and checks what a message shows (text and blocks) the way
// Slack refuses it: no_text, msg_too_long, invalid_blocks.
func content(p params) (Version, string) {
	v := Version{Text: p.str("text"), Blocks: noBlocks(p.raw("blocks"))}
	if v.Text == "" && len(v.Blocks) == 0 {
		return v, "no_text"
	}
	return v, checkVersion(v)
}

func checkVersion(v Version) string {
	if CheckText(v.Text) != nil {
		return "msg_too_long"
	}
	if len(v.Blocks) > 0 && CheckBlocks(v.Blocks) != nil {
		return "invalid_blocks"
	}
	return ""
}

// noBlocks reads an empty or null blocks array as no blocks: slack-go
// sends "blocks":[] to a response_url that was given none.
func noBlocks(raw json.RawMessage) json.RawMessage {
	switch string(bytes.TrimSpace(raw)) {
	case "", "[]", "null":
		return nil
	}
	return raw
}

func (s *Server) knownChannel(id string) bool {
	_, ok := s.opts.Channels[id]
	return ok
}

func (s *Server) postMessage(p params) (reply, string) {
	ch := p.str("channel")
	if !s.knownChannel(ch) {
		return nil, "channel_not_found"
	}
	v, code := content(p)
	if code != "" {
		return nil, code
	}
	m := s.addMessageLocked(ch, p.str("thread_ts"), v)
	return reply{"channel": ch, "ts": m.TS, "message": s.messageJSON(m)}, ""
}

// addMessageLocked posts a message to a channel as the bot.
func (s *Server) addMessageLocked(ch, threadTS string, v Version) *Message {
	m := &Message{
		Channel: ch, TS: s.tsLocked(), ThreadTS: threadTS,
		User: s.opts.BotUserID, BotID: s.opts.BotID,
		History: []Version{v},
	}
	s.st.messages[ch] = append(s.st.messages[ch], m)
	return m
}

// addEphemeralLocked shows a message to one user.
func (s *Server) addEphemeralLocked(ch, user, threadTS string, v Version) *Ephemeral {
	e := &Ephemeral{Channel: ch, User: user, TS: s.tsLocked(), ThreadTS: threadTS, History: []Version{v}}
	s.st.ephemerals[user] = append(s.st.ephemerals[user], e)
	return e
}

// messageJSON is a message as the Web API returns it.
func (s *Server) messageJSON(m *Message) map[string]any {
	v := m.History[len(m.History)-1]
	out := map[string]any{
		"type": "message", "subtype": "bot_message",
		"text": v.Text, "user": m.User, "bot_id": m.BotID, "ts": m.TS,
		"team": s.opts.TeamID,
	}
	if len(v.Blocks) > 0 {
		out["blocks"] = v.Blocks
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	return out
}

func (s *Server) postEphemeral(p params) (reply, string) {
	ch, user := p.str("channel"), p.str("user")
	if !s.knownChannel(ch) {
		return nil, "channel_not_found"
	}
	if user == "" {
		return nil, "user_not_in_channel"
	}
	v, code := content(p)
	if code != "" {
		return nil, code
	}
	e := s.addEphemeralLocked(ch, user, p.str("thread_ts"), v)
	return reply{"message_ts": e.TS}, ""
}

// update edits a channel message. Ephemeral messages are not in the
// channel, so Slack (and the fake) cannot find them: message_not_found.
// Blocks left out keep the message's blocks; an empty array removes them.
func (s *Server) update(p params) (reply, string) {
	ch, ts := p.str("channel"), p.str("ts")
	if !s.knownChannel(ch) {
		return nil, "channel_not_found"
	}
	m := s.findMessageLocked(ch, ts)
	if m == nil {
		return nil, "message_not_found"
	}
	v := m.History[len(m.History)-1]
	if p.has("text") {
		v.Text = p.str("text")
	}
	if p.has("blocks") {
		v.Blocks = noBlocks(p.raw("blocks"))
	}
	if v.Text == "" && len(v.Blocks) == 0 {
		return nil, "no_text"
	}
	if code := checkVersion(v); code != "" {
		return nil, code
	}
	m.History = append(m.History, v)
	return reply{"channel": ch, "ts": ts, "text": v.Text, "message": s.messageJSON(m)}, ""
}

func (s *Server) findMessageLocked(ch, ts string) *Message {
	for _, m := range s.st.messages[ch] {
		if m.TS == ts && !m.Deleted {
			return m
		}
	}
	return nil
}

func (s *Server) findEphemeralLocked(user, ts string) *Ephemeral {
	for _, e := range s.st.ephemerals[user] {
		if e.TS == ts && !e.Deleted {
			return e
		}
	}
	return nil
}

// rawJSON marshals v for a payload; v is always marshalable here.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("slacktest: " + err.Error())
	}
	return b
}
