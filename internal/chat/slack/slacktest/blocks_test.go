package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func button(text, value, actionID string) map[string]any {
	return map[string]any{"type": "button", "text": map[string]any{"type": "plain_text", "text": text}, "value": value, "action_id": actionID}
}

func section(text string, fields int, fieldLen int) map[string]any {
	b := map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": text}}
	var fs []map[string]any
	for range fields {
		fs = append(fs, map[string]any{"type": "mrkdwn", "text": strings.Repeat("f", fieldLen)})
	}
	if fs != nil {
		b["fields"] = fs
	}
	return b
}

func many(n int, b map[string]any) []map[string]any {
	var bs []map[string]any
	for range n {
		bs = append(bs, b)
	}
	return bs
}

func elements(n int) []map[string]any {
	var es []map[string]any
	for i := range n {
		es = append(es, button("b", "v", fmt.Sprint("a", i)))
	}
	return es
}

func TestBlockLimits(t *testing.T) {
	divider := map[string]any{"type": "divider"}
	header := func(n int) map[string]any {
		return map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": strings.Repeat("h", n)}}
	}
	actions := func(es ...map[string]any) map[string]any { return map[string]any{"type": "actions", "elements": es} }
	context := func(n int) map[string]any {
		var es []map[string]any
		for range n {
			es = append(es, map[string]any{"type": "mrkdwn", "text": "c"})
		}
		return map[string]any{"type": "context", "elements": es}
	}
	for _, tc := range []struct {
		name   string
		ok, no []map[string]any // at the limit, one over it
	}{
		{"blocks", many(50, divider), many(51, divider)},
		{"section text", []map[string]any{section(strings.Repeat("é", 3000), 0, 0)}, []map[string]any{section(strings.Repeat("é", 3001), 0, 0)}},
		{"fields", []map[string]any{section("t", 10, 2000)}, []map[string]any{section("t", 11, 1)}},
		{"field text", []map[string]any{section("t", 1, 2000)}, []map[string]any{section("t", 1, 2001)}},
		{"header", []map[string]any{header(150)}, []map[string]any{header(151)}},
		{"button text", []map[string]any{actions(button(strings.Repeat("b", 75), "v", "a"))}, []map[string]any{actions(button(strings.Repeat("b", 76), "v", "a"))}},
		{"button value", []map[string]any{actions(button("b", strings.Repeat("v", 2000), "a"))}, []map[string]any{actions(button("b", strings.Repeat("v", 2001), "a"))}},
		{"action_id", []map[string]any{actions(button("b", "v", strings.Repeat("a", 255)))}, []map[string]any{actions(button("b", "v", strings.Repeat("a", 256)))}},
		{"actions elements", []map[string]any{actions(elements(25)...)}, []map[string]any{actions(elements(26)...)}},
		{"context elements", []map[string]any{context(10)}, []map[string]any{context(11)}},
	} {
		ok, _ := json.Marshal(tc.ok)
		no, _ := json.Marshal(tc.no)
		if err := CheckBlocks(ok); err != nil {
			t.Errorf("%s at the limit refused: %v", tc.name, err)
		}
		if err := CheckBlocks(no); err == nil {
			t.Errorf("%s over the limit accepted", tc.name)
		}
	}
	if CheckBlocks(json.RawMessage(`{"type":"divider"}`)) == nil {
		t.Error("blocks that are not an array accepted")
	}
}

func TestPostOverALimitIsRefusedWhole(t *testing.T) {
	s, _ := start(t)
	c := client(s)
	var bs []slack.Block
	for range 51 {
		bs = append(bs, slack.NewDividerBlock())
	}
	if _, _, err := c.PostMessage(general, slack.MsgOptionText("x", false), slack.MsgOptionBlocks(bs...)); slackErr(err) != "invalid_blocks" {
		t.Fatalf("51 blocks: %v, want invalid_blocks", err)
	}
	if _, _, err := c.PostMessage(general, slack.MsgOptionText(strings.Repeat("x", MaxMessageText+1), false)); slackErr(err) != "msg_too_long" {
		t.Fatalf("long text: %v, want msg_too_long", err)
	}
	_, ts, err := c.PostMessage(general, slack.MsgOptionText("ok", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := c.UpdateMessage(general, ts, slack.MsgOptionBlocks(bs...)); slackErr(err) != "invalid_blocks" {
		t.Fatalf("update with 51 blocks: %v, want invalid_blocks", err)
	}
	if ms := s.State().Messages[general]; len(ms) != 1 || len(ms[0].History) != 1 {
		t.Fatalf("refused calls changed the channel: %+v", ms)
	}
}
