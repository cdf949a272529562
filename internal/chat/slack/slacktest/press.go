package slacktest

import (
	"encoding/json"
	"fmt"
)

// Press is a user pressing the button actionID on message ts, the user's
// ephemeral or a message of channel, as it shows now: the payload carries
// the button's block id, value and label. A button the message does not
// show cannot be pressed, which is what makes an adapter test honest.
func (s *Server) Press(user, channel, ts, actionID string) (BlockActions, error) {
	s.mu.Lock()
	var blocks json.RawMessage
	if e := s.findEphemeralLocked(user, ts); e != nil {
		blocks = e.Blocks()
	} else if m := s.findMessageLocked(channel, ts); m != nil {
		blocks = m.Blocks()
	}
	s.mu.Unlock()
	if blocks == nil {
		return BlockActions{}, fmt.Errorf("slacktest: %s sees no message %s with blocks in %s", user, ts, channel)
	}
	a, ok := findButton(blocks, actionID)
	if !ok {
		return BlockActions{}, fmt.Errorf("slacktest: message %s shows no button %s", ts, actionID)
	}
	return s.Actions(BlockActions{User: user, Channel: channel, MessageTS: ts, Actions: []Action{a}}), nil
}

func findButton(blocks json.RawMessage, actionID string) (Action, bool) {
	var bs []struct {
		BlockID   string    `json:"block_id"`
		Elements  []element `json:"elements"`
		Accessory *element  `json:"accessory"`
	}
	if json.Unmarshal(blocks, &bs) != nil {
		return Action{}, false
	}
	for _, b := range bs {
		es := b.Elements
		if b.Accessory != nil {
			es = append(es, *b.Accessory)
		}
		for _, e := range es {
			if e.Type == "button" && e.ActionID == actionID {
				a := Action{ActionID: e.ActionID, BlockID: b.BlockID, Value: e.Value, Type: "button"}
				if t, ok := e.label(); ok {
					a.Text = t.Text
				}
				return a, true
			}
		}
	}
	return Action{}, false
}
