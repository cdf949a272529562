package slacktest

import (
	"encoding/json"
	"fmt"
	"time"
)

// TriggerTTL is how long a trigger id may open a view: Slack gives an app
// three seconds after the slash command or button press that carried it.
const TriggerTTL = 3 * time.Second

// TriggerID mints a trigger id, as Slack puts in a slash command or an
// interaction payload. views.open takes it once, within TriggerTTL.
func (s *Server) TriggerID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.triggerLocked()
}

func (s *Server) triggerLocked() string {
	id := fmt.Sprintf("%d.%d.fake%06d", s.opts.Clock().Unix(), s.nextLocked(), s.seq)
	s.st.triggers[id] = s.opts.Clock()
	return id
}

// openView opens a modal. Slack answers a bad view with invalid_arguments
// and says why in response_metadata.messages.
func (s *Server) openView(p params) (reply, string) {
	trigger := p.str("trigger_id")
	if trigger == "" || !p.has("view") {
		return nil, "invalid_arguments"
	}
	minted, ok := s.st.triggers[trigger]
	switch {
	case !ok:
		return nil, "invalid_trigger_id"
	case minted.IsZero():
		return nil, "exchanged_trigger_id"
	case s.opts.Clock().Sub(minted) > TriggerTTL:
		return nil, "expired_trigger_id"
	}
	view := p.raw("view")
	var v map[string]json.RawMessage
	if err := json.Unmarshal(view, &v); err != nil {
		return nil, "invalid_arguments"
	}
	if blocks, ok := v["blocks"]; ok {
		if err := CheckViewBlocks(blocks); err != nil {
			return reply{"response_metadata": map[string]any{"messages": []string{"[ERROR] " + err.Error()}}}, "invalid_arguments"
		}
	}
	s.st.triggers[trigger] = time.Time{} // exchanged
	id := fmt.Sprintf("V%08d", s.nextLocked())
	s.st.views = append(s.st.views, View{ID: id, TriggerID: trigger, View: view})
	out := map[string]any{}
	for k, raw := range v {
		out[k] = raw
	}
	out["id"], out["team_id"], out["app_id"], out["bot_id"] = id, s.opts.TeamID, s.opts.AppID, s.opts.BotID
	return reply{"view": out}, ""
}
