package discordtest

import "net/http"

// RouteDMCreate opens the direct message channel between the bot and a
// user (POST /users/@me/channels {"recipient_id": ...}); Discord answers
// with the same channel each time.
const RouteDMCreate = "POST /users/@me/channels"

// dmCreate opens (or finds) the bot's direct message channel with the
// recipient. Messages posted to it show in State.Messages under its id,
// and State.DMs says whose it is.
func (s *Server) dmCreate(c call) answer {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if !c.decode(&body) || body.RecipientID == "" {
		return fail(http.StatusBadRequest, CodeInvalidFormBody, "Invalid Form Body")
	}
	id := s.st.dms[body.RecipientID]
	if id == "" {
		id = s.idLocked()
		s.st.dms[body.RecipientID] = id
	}
	return ok(map[string]any{"id": id, "type": 1, "last_message_id": nil, "flags": 0,
		"recipients": []any{map[string]any{"id": body.RecipientID, "username": "user" + body.RecipientID,
			"discriminator": "0", "global_name": nil, "avatar": nil}}})
}

// dmChannelLocked reports whether id is a direct message channel the bot
// opened.
func (s *Server) dmChannelLocked(id string) bool {
	for _, ch := range s.st.dms {
		if ch == id {
			return true
		}
	}
	return false
}
