package slacktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/slack-go/slack"
)

// respond posts to a response_url as the app would, with slack-go.
func respond(s *Server, url string, opts ...slack.MsgOption) error {
	_, _, err := client(s).PostMessage("", opts...)
	return err
}

func TestSlashResponseURLPostsEphemeralOrInChannel(t *testing.T) {
	s, _ := start(t)
	url := s.ResponseURL(general, alice)
	if err := respond(s, url, slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral), slack.MsgOptionText("just you", false)); err != nil {
		t.Fatal(err)
	}
	if err := respond(s, url, slack.MsgOptionResponseURL(url, slack.ResponseTypeInChannel), slack.MsgOptionText("everyone", false)); err != nil {
		t.Fatal(err)
	}
	st := s.State()
	if es := st.Ephemerals[alice]; len(es) != 1 || es[0].Text() != "just you" {
		t.Fatalf("alice's ephemerals: %+v", es)
	}
	if ms := st.Messages[general]; len(ms) != 1 || ms[0].Text() != "everyone" {
		t.Fatalf("channel messages: %+v", ms)
	}
	if rs := st.Responses[url]; len(rs) != 2 || rs[0].ResponseType != "ephemeral" || rs[1].ResponseType != "in_channel" || rs[1].User != alice {
		t.Fatalf("responses: %+v", rs)
	}
}

// post sends a raw JSON body to a response_url and returns the answer.
func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

func TestResponseURLTakesFiveUses(t *testing.T) {
	s, _ := start(t)
	url := s.ResponseURL(general, alice)
	for i := range ResponseURLUses {
		if code, out := post(t, url, `{"text":"hi"}`); code != 200 || out["ok"] != true {
			t.Fatalf("use %d: %d %v", i+1, code, out)
		}
	}
	if code, out := post(t, url, `{"text":"hi"}`); code != 404 || out["error"] != "used_url" {
		t.Fatalf("sixth use: %d %v, want 404 used_url", code, out)
	}
	var sc slack.StatusCodeError
	if err := respond(s, url, slack.MsgOptionResponseURL(url, ""), slack.MsgOptionText("x", false)); !errors.As(err, &sc) || sc.Code != 404 {
		t.Fatalf("slack-go on a used url: %v, want status 404", err)
	}
	if n := len(s.State().Ephemerals[alice]); n != ResponseURLUses {
		t.Fatalf("%d ephemerals shown, want %d", n, ResponseURLUses)
	}
}

func TestResponseURLExpiresAfterThirtyMinutes(t *testing.T) {
	s, clk := start(t)
	url := s.ResponseURL(general, alice)
	clk.Advance(ResponseURLTTL)
	if code, _ := post(t, url, `{"text":"on time"}`); code != 200 {
		t.Fatalf("post at %s: %d", ResponseURLTTL, code)
	}
	clk.Advance(1)
	if code, out := post(t, url, `{"text":"late"}`); code != 404 || out["error"] != "expired_url" {
		t.Fatalf("post after %s: %d %v, want 404 expired_url", ResponseURLTTL, code, out)
	}
	if code, out := post(t, s.URL()+"/commands/T0TEST/1/nothing", `{"text":"x"}`); code != 404 || out["ok"] != false {
		t.Fatalf("unknown url: %d %v", code, out)
	}
}

func confirmBlocks() slack.MsgOption {
	return slack.MsgOptionBlocks(
		slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "Reboot web-1?", false, false), nil, nil),
		slack.NewActionBlock("gate",
			slack.NewButtonBlockElement("vps:confirm", "r-1", slack.NewTextBlockObject("plain_text", "Confirm", false, false)),
			slack.NewButtonBlockElement("vps:cancel", "r-1", slack.NewTextBlockObject("plain_text", "Cancel", false, false)),
		),
	)
}

func TestReplaceOriginalReplacesTheEphemeral(t *testing.T) {
	s, _ := start(t)
	ts, err := client(s).PostEphemeral(general, alice, slack.MsgOptionText("Reboot web-1?", false), confirmBlocks())
	if err != nil {
		t.Fatal(err)
	}
	press, err := s.Press(alice, general, ts, "vps:confirm")
	if err != nil {
		t.Fatal(err)
	}
	if !press.Ephemeral || press.Message != nil || press.Actions[0].Value != "r-1" || press.Actions[0].BlockID != "gate" || press.Actions[0].Text != "Confirm" {
		t.Fatalf("press: %+v", press)
	}
	if _, err := s.Press(alice, general, ts, "vps:approve"); err == nil {
		t.Fatal("pressed a button the message does not show")
	}
	if _, err := s.Press(bob, general, ts, "vps:confirm"); err == nil {
		t.Fatal("bob pressed a button on alice's ephemeral")
	}
	if err := respond(s, press.ResponseURL, slack.MsgOptionReplaceOriginal(press.ResponseURL), slack.MsgOptionText("Rebooting web-1", false)); err != nil {
		t.Fatal(err)
	}
	st := s.State()
	es := st.Ephemerals[alice]
	if len(es) != 1 || len(es[0].History) != 2 || es[0].Text() != "Rebooting web-1" || es[0].Blocks() != nil {
		t.Fatalf("alice's ephemerals after replace: %+v", es)
	}
	if len(st.Messages[general]) != 0 {
		t.Fatalf("replace_original posted to the channel: %+v", st.Messages[general])
	}
}

func TestDeleteOriginalDeletesTheChannelMessage(t *testing.T) {
	s, _ := start(t)
	_, ts, err := client(s).PostMessage(approvals, slack.MsgOptionText("Approve?", false), confirmBlocks())
	if err != nil {
		t.Fatal(err)
	}
	press, err := s.Press(bob, approvals, ts, "vps:cancel")
	if err != nil {
		t.Fatal(err)
	}
	if press.Ephemeral || press.Message == nil {
		t.Fatalf("press on a channel message: ephemeral %v, message %s", press.Ephemeral, press.Message)
	}
	if err := respond(s, press.ResponseURL, slack.MsgOptionDeleteOriginal(press.ResponseURL)); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.State().Message(approvals, ts); !m.Deleted {
		t.Fatalf("message after delete_original: %+v", m)
	}
}

func TestResponseURLChecksBlocks(t *testing.T) {
	s, _ := start(t)
	url := s.ResponseURL(general, alice)
	body := `{"text":"x","blocks":[{"type":"header","text":{"type":"plain_text","text":"` + string(bytes.Repeat([]byte("h"), 151)) + `"}}]}`
	if code, out := post(t, url, body); code != 200 || out["error"] != "invalid_blocks" {
		t.Fatalf("long header: %d %v, want invalid_blocks", code, out)
	}
	if len(s.State().Responses[url]) != 0 {
		t.Fatal("a refused response was recorded")
	}
}
