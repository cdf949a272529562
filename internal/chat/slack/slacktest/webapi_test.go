package slacktest

import (
	"testing"

	"github.com/slack-go/slack"
)

func TestAuthTestReportsTheBot(t *testing.T) {
	s, _ := start(t)
	got, err := client(s).AuthTest()
	if err != nil {
		t.Fatal(err)
	}
	o := s.Options()
	if got.TeamID != "T0TEST" || got.UserID != o.BotUserID || got.BotID != o.BotID || got.Team != o.TeamDomain {
		t.Fatalf("auth.test = %+v", got)
	}
}

func TestTokensAreChecked(t *testing.T) {
	s, _ := start(t)
	api := s.APIURL()
	for _, tc := range []struct {
		name, token, want string
	}{
		{"none", "", "not_authed"},
		{"unknown", "xoxb-other", "invalid_auth"},
		{"app token for a bot method", "xapp-test", "not_allowed_token_type"},
	} {
		_, err := slack.New(tc.token, slack.OptionAPIURL(api)).AuthTest()
		if slackErr(err) != tc.want {
			t.Errorf("%s: auth.test error %v, want %s", tc.name, err, tc.want)
		}
	}
	_, _, err := slack.New("xoxb-test", slack.OptionAPIURL(api), slack.OptionAppLevelToken("xoxb-test")).StartSocketModeContext(t.Context())
	if slackErr(err) != "not_allowed_token_type" {
		t.Errorf("apps.connections.open with the bot token: %v, want not_allowed_token_type", err)
	}
	_, url, err := client(s).StartSocketModeContext(t.Context())
	if err != nil || url == "" {
		t.Errorf("apps.connections.open with the app token: %q, %v", url, err)
	}
}

func TestPostMessageStoresItInTheChannel(t *testing.T) {
	s, _ := start(t)
	c := client(s)
	ch, ts, err := c.PostMessage(general, slack.MsgOptionText("hello", false))
	if err != nil || ch != general || ts == "" {
		t.Fatalf("PostMessage = %q, %q, %v", ch, ts, err)
	}
	_, reply, err := c.PostMessage(general, slack.MsgOptionText("in thread", false), slack.MsgOptionTS(ts))
	if err != nil {
		t.Fatal(err)
	}
	st := s.State()
	if ms := st.Messages[general]; len(ms) != 2 || ms[0].Text() != "hello" || ms[1].ThreadTS != ts || ms[1].TS != reply {
		t.Fatalf("messages of %s: %+v", general, ms)
	}
	if _, _, err := c.PostMessage("C0NOWHERE", slack.MsgOptionText("x", false)); slackErr(err) != "channel_not_found" {
		t.Fatalf("post to an unknown channel: %v, want channel_not_found", err)
	}
	if _, _, err := c.PostMessage(general); slackErr(err) != "no_text" {
		t.Fatalf("post of nothing: %v, want no_text", err)
	}
}

func TestPostMessageReturnsTheMessageWithBlocks(t *testing.T) {
	s, _ := start(t)
	blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*hi*", false, false), nil, nil))
	_, ts, msg, err := client(s).PostMessageWithResponse(general, slack.MsgOptionText("hi", false), blocks)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Timestamp != ts || msg.BotID != s.Options().BotID || len(msg.Blocks.BlockSet) != 1 {
		t.Fatalf("returned message %+v", msg)
	}
}

func TestEphemeralsAreKeptPerUserAndCannotBeUpdated(t *testing.T) {
	s, _ := start(t)
	c := client(s)
	ts, err := c.PostEphemeral(general, alice, slack.MsgOptionText("only you", false))
	if err != nil || ts == "" {
		t.Fatalf("PostEphemeral = %q, %v", ts, err)
	}
	st := s.State()
	if len(st.Messages[general]) != 0 {
		t.Fatalf("an ephemeral landed in the channel: %+v", st.Messages[general])
	}
	if es := st.Ephemerals[alice]; len(es) != 1 || es[0].TS != ts || es[0].Text() != "only you" || es[0].Channel != general {
		t.Fatalf("alice's ephemerals: %+v", es)
	}
	if _, _, _, err := c.UpdateMessage(general, ts, slack.MsgOptionText("edited", false)); slackErr(err) != "message_not_found" {
		t.Fatalf("update of an ephemeral: %v, want message_not_found", err)
	}
}

func TestUpdateKeepsEveryVersion(t *testing.T) {
	s, _ := start(t)
	c := client(s)
	_, ts, err := c.PostMessage(approvals, slack.MsgOptionText("pending", false))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"approved", "succeeded"} {
		if _, _, _, err := c.UpdateMessage(approvals, ts, slack.MsgOptionText(text, false)); err != nil {
			t.Fatal(err)
		}
	}
	m, ok := s.State().Message(approvals, ts)
	if !ok || len(m.History) != 3 || m.History[0].Text != "pending" || m.Text() != "succeeded" {
		t.Fatalf("message after two edits: %+v", m)
	}
	if _, _, _, err := c.UpdateMessage(approvals, "1.000001", slack.MsgOptionText("x", false)); slackErr(err) != "message_not_found" {
		t.Fatalf("update of an unknown ts: %v", err)
	}
	if _, _, _, err := c.UpdateMessage(general, ts, slack.MsgOptionText("x", false)); slackErr(err) != "message_not_found" {
		t.Fatalf("update in the wrong channel: %v", err)
	}
}

func TestUpdateKeepsBlocksLeftOut(t *testing.T) {
	s, _ := start(t)
	c := client(s)
	section := slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "body", false, false), nil, nil)
	_, ts, err := c.PostMessage(general, slack.MsgOptionText("v1", false), slack.MsgOptionBlocks(section))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := c.UpdateMessage(general, ts, slack.MsgOptionText("v2", false)); err != nil {
		t.Fatal(err)
	}
	m, _ := s.State().Message(general, ts)
	if m.Text() != "v2" || len(m.Blocks()) == 0 {
		t.Fatalf("after a text-only edit: text %q blocks %s", m.Text(), m.Blocks())
	}
}

func TestOpenViewTakesAFreshTriggerOnce(t *testing.T) {
	s, clk := start(t)
	c := client(s)
	view := slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  slack.NewTextBlockObject("plain_text", "Reason", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}},
	}
	trigger := s.TriggerID()
	got, err := c.OpenView(trigger, view)
	if err != nil || got.ID == "" {
		t.Fatalf("OpenView = %+v, %v", got, err)
	}
	if vs := s.State().Views; len(vs) != 1 || vs[0].TriggerID != trigger || vs[0].ID != got.ID {
		t.Fatalf("views: %+v", vs)
	}
	if _, err := c.OpenView(trigger, view); slackErr(err) != "exchanged_trigger_id" {
		t.Fatalf("second use of a trigger: %v", err)
	}
	if _, err := c.OpenView("123.456.unknown", view); slackErr(err) != "invalid_trigger_id" {
		t.Fatalf("unknown trigger: %v", err)
	}
	late := s.TriggerID()
	clk.Advance(TriggerTTL + 1)
	if _, err := c.OpenView(late, view); slackErr(err) != "expired_trigger_id" {
		t.Fatalf("trigger after %s: %v", TriggerTTL, err)
	}
}

func TestUploadFileStoresItsContent(t *testing.T) {
	s, _ := start(t)
	c := client(s)
	sum, err := c.UploadFile(slack.UploadFileParameters{
		Filename: "audit.csv", Title: "Audit", Content: "a,b\n1,2\n", FileSize: 8, Channel: general,
	})
	if err != nil {
		t.Fatal(err)
	}
	fs := s.State().Files
	if len(fs) != 1 || fs[0].ID != sum.ID || fs[0].Name != "audit.csv" || fs[0].Title != "Audit" ||
		string(fs[0].Content) != "a,b\n1,2\n" || fs[0].Channel != general || !fs[0].Completed {
		t.Fatalf("files: %+v", fs)
	}
	_, err = c.UploadFile(slack.UploadFileParameters{Filename: "x", Content: "x", FileSize: 1, Channel: "C0NOWHERE"})
	if err == nil {
		t.Fatal("upload to an unknown channel succeeded")
	}
}

func TestOpenViewSaysWhyABlockIsRefused(t *testing.T) {
	s, _ := start(t)
	var bs []slack.Block
	for range MaxViewBlocks + 1 {
		bs = append(bs, slack.NewDividerBlock())
	}
	view := slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  slack.NewTextBlockObject("plain_text", "Too long", false, false),
		Blocks: slack.Blocks{BlockSet: bs},
	}
	_, err := client(s).OpenView(s.TriggerID(), view)
	e, ok := err.(slack.SlackErrorResponse)
	if !ok || e.Err != "invalid_arguments" || len(e.ResponseMetadata.Messages) != 1 {
		t.Fatalf("view with %d blocks: %#v", MaxViewBlocks+1, err)
	}
	if len(s.State().Views) != 0 {
		t.Fatal("a refused view was stored")
	}
}

func TestChannelsAreTheWorkspacesOwn(t *testing.T) {
	chans := map[string]string{general: "general"}
	s := New(Options{Channels: chans})
	defer s.Close()
	chans["C0LATER"] = "later"
	s.Options().Channels["C0SNEAKY"] = "sneaky"
	c := slack.New(s.Options().BotToken, slack.OptionAPIURL(s.APIURL()))
	for _, ch := range []string{"C0LATER", "C0SNEAKY"} {
		if _, _, err := c.PostMessage(ch, slack.MsgOptionText("x", false)); slackErr(err) != "channel_not_found" {
			t.Errorf("post to %s, added after New: %v, want channel_not_found", ch, err)
		}
	}
}
