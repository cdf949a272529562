package discordtest

import (
	"net/http"
)

// webhookLocked finds the interaction whose token a webhook route names:
// 404 Unknown Webhook (10015) for a token the fake never minted or one
// not acknowledged yet, 401 Invalid Webhook Token (50027) once its
// 15 minutes are over.
func (s *Server) webhookLocked(c call) (*exchange, *answer) {
	x := s.st.tokens[c.path("token")]
	if c.path("app") != s.opts.ApplicationID || x == nil || x.callback == nil {
		a := fail(http.StatusNotFound, CodeUnknownWebhook, "Unknown Webhook")
		return nil, &a
	}
	if s.opts.Clock().Sub(x.sent) > WebhookWindow {
		a := fail(http.StatusUnauthorized, CodeInvalidWebhookToken, "Invalid Webhook Token")
		return nil, &a
	}
	return x, nil
}

// followUp is POST /webhooks/{app}/{token}: a follow-up message, ephemeral
// with flags 64. discordgo asks ?wait=true for the message back; without
// it Discord answers 204.
func (s *Server) followUp(c call) answer {
	x, bad := s.webhookLocked(c)
	if bad != nil {
		return *bad
	}
	b, bad := readMessage(c, true)
	if bad != nil {
		return *bad
	}
	m := s.addMessageLocked(x.in.ChannelID, x.in.ID, newVersion(b))
	x.followUps = append(x.followUps, m)
	if c.r.URL.Query().Get("wait") != "true" {
		return noContent
	}
	return ok(s.messageJSON(m))
}

// webhookMessageLocked is the message a webhook route names: "@original"
// or one of the interaction's follow-ups.
func (s *Server) webhookMessageLocked(c call) (*Message, *answer) {
	x, bad := s.webhookLocked(c)
	if bad != nil {
		return nil, bad
	}
	id := c.path("message")
	var m *Message
	if id == "@original" {
		m = x.original
	} else if x.original != nil && x.original.ID == id {
		m = x.original
	} else {
		for _, f := range x.followUps {
			if f.ID == id {
				m = f
			}
		}
	}
	if m == nil || m.Deleted {
		a := fail(http.StatusNotFound, CodeUnknownMessage, "Unknown Message")
		return nil, &a
	}
	return m, nil
}

func (s *Server) webhookGet(c call) answer {
	m, bad := s.webhookMessageLocked(c)
	if bad != nil {
		return *bad
	}
	return ok(s.messageJSON(m))
}

func (s *Server) webhookEdit(c call) answer {
	m, bad := s.webhookMessageLocked(c)
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

func (s *Server) webhookDelete(c call) answer {
	m, bad := s.webhookMessageLocked(c)
	if bad != nil {
		return *bad
	}
	m.Deleted = true
	return noContent
}

// versionEmpty reports whether a message would show nothing.
func versionEmpty(v Version) bool {
	return v.Content == "" && v.Embeds == nil && v.Components == nil
}
