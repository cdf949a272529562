package discordtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// Interaction callback types, as Discord numbers them.
const (
	CallbackPong               = 1
	CallbackMessage            = 4 // CHANNEL_MESSAGE_WITH_SOURCE
	CallbackDeferredMessage    = 5 // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
	CallbackDeferredUpdate     = 6 // DEFERRED_UPDATE_MESSAGE
	CallbackUpdate             = 7 // UPDATE_MESSAGE
	CallbackAutocompleteResult = 8
	CallbackModal              = 9
	MaxAutocompleteChoices     = 25
)

// CallbackWindow is how long after sending an interaction Discord takes
// its first answer; WebhookWindow how long its token works after that.
const (
	CallbackWindow = 3 * time.Second
	WebhookWindow  = 15 * time.Minute
)

// allowedCallbacks are the callback types Discord takes for each
// interaction type.
var allowedCallbacks = map[int][]int{
	InteractionPing:         {CallbackPong},
	InteractionCommand:      {CallbackMessage, CallbackDeferredMessage, CallbackModal},
	InteractionComponent:    {CallbackMessage, CallbackDeferredMessage, CallbackDeferredUpdate, CallbackUpdate, CallbackModal},
	InteractionAutocomplete: {CallbackAutocompleteResult},
	InteractionModalSubmit:  {CallbackMessage, CallbackDeferredMessage, CallbackDeferredUpdate, CallbackUpdate},
}

// callback is POST /interactions/{id}/{token}/callback: the one answer to
// an interaction the fake sent, within 3 seconds of it.
func (s *Server) callback(c call) answer {
	x := s.st.interactions[c.path("id")]
	if x == nil || x.in.Token != c.path("token") {
		return fail(http.StatusNotFound, CodeUnknownInteraction, "Unknown interaction")
	}
	return s.acknowledgeLocked(x, c.body)
}

// acknowledgeLocked takes body as the answer to x: once, within 3 s on
// the fake's clock, of a type the interaction takes, with data Discord
// accepts.
func (s *Server) acknowledgeLocked(x *exchange, raw []byte) answer {
	if x.callback != nil {
		return fail(http.StatusBadRequest, CodeAlreadyAcknowledged, "Interaction has already been acknowledged.")
	}
	now := s.opts.Clock()
	if now.Sub(x.sent) > CallbackWindow {
		return fail(http.StatusNotFound, CodeUnknownInteraction, "Unknown interaction")
	}
	var body struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &body) != nil {
		return fail(http.StatusBadRequest, CodeInvalidFormBody, "Invalid Form Body")
	}
	if !slices.Contains(allowedCallbacks[x.in.Type], body.Type) {
		var ps problems
		ps.add("type", "INTERACTION_CALLBACK_TYPE_INVALID", "Interaction callback type %d is not valid for interaction type %d", body.Type, x.in.Type)
		return ps.answer()
	}
	if a := s.respondLocked(x, body.Type, body.Data); a != nil {
		return *a
	}
	x.callback = &Callback{Type: body.Type, Data: body.Data, At: now}
	return noContent
}

// respondLocked carries out an accepted callback type: the original
// response it makes or the message it edits. It answers only to refuse
// the data.
func (s *Server) respondLocked(x *exchange, typ int, data json.RawMessage) *answer {
	var b messageBody
	if len(data) > 0 && string(data) != "null" && json.Unmarshal(data, &b) != nil {
		a := fail(http.StatusBadRequest, CodeInvalidFormBody, "Invalid Form Body")
		return &a
	}
	switch typ {
	case CallbackMessage:
		if ps := prefixed("data", checkMessage(b)); len(ps) > 0 {
			a := ps.answer()
			return &a
		}
		if b.empty() {
			a := fail(http.StatusBadRequest, CodeEmptyMessage, "Cannot send an empty message")
			return &a
		}
		x.original = s.addMessageLocked(x.in.ChannelID, x.in.ID, newVersion(b))
	case CallbackDeferredMessage:
		flags := FlagLoading
		if b.Flags != nil {
			flags |= *b.Flags & FlagEphemeral
		}
		x.original = s.addMessageLocked(x.in.ChannelID, x.in.ID, Version{Flags: flags})
	case CallbackDeferredUpdate:
		x.original = s.st.messages[x.in.MessageID] // edits go to the component's message
	case CallbackUpdate:
		if ps := prefixed("data", checkMessage(b)); len(ps) > 0 {
			a := ps.answer()
			return &a
		}
		if m := s.st.messages[x.in.MessageID]; m != nil {
			s.editLocked(m, edited(m.Now(), b))
			x.original = m
		}
	case CallbackAutocompleteResult:
		var d struct {
			Choices []json.RawMessage `json:"choices"`
		}
		_ = json.Unmarshal(data, &d)
		var ps problems
		ps.maxItems("data.choices", len(d.Choices), MaxAutocompleteChoices)
		if len(ps) > 0 {
			a := ps.answer()
			return &a
		}
	case CallbackModal:
		if ps := checkModal(data); len(ps) > 0 {
			a := ps.answer()
			return &a
		}
	}
	return nil
}

// prefixed puts problems found in a nested body under path.
func prefixed(path string, ps problems) problems {
	for i := range ps {
		ps[i].path = path + "." + ps[i].path
	}
	return ps
}
