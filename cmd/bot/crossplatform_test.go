package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
)

// One bot serving Slack (Socket Mode) and Discord (gateway): a request is
// posted to both approvals channels, and a decision on either platform
// edits the other platform's message too.
func TestADecisionOnOnePlatformUpdatesTheOther(t *testing.T) {
	sl := slacktest.New(slacktest.Options{Channels: map[string]string{"C0OPS": "ops", "C0APPROVALS": "approvals"}})
	defer sl.Close()
	dc := discordtest.New(discordtest.Options{GuildID: "100", Channels: []string{"200", "300"}, HeartbeatInterval: 50 * time.Millisecond})
	defer dc.Close()
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.csv")
	// alice asks in Slack; dana approves in Discord, bob in Slack.
	extra := "\ng, slack:T0FAKE:UALICE, demo-owner\ng, slack:T0FAKE:UBOB, approver\ng, discord:1004, approver\n"
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	so, do := sl.Options(), dc.Options()
	cfg := writeConfig(t, dir, fmt.Sprintf(`policy: {policy: %q}
slack: {bot_token: %q, app_token: %q, approvals_channel: C0APPROVALS, api_url: %q}
discord: {token: %q, app_id: %q, guild_id: "100", approvals_channel: "300", api_url: %q}
`, policy, so.BotToken, so.AppToken, sl.APIURL(), do.BotToken, do.ApplicationID, dc.URL()))
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	ctx, stop := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	exit := make(chan int, 1)
	go func() { exit <- runContext(ctx, []string{"--config", cfg}, null, &stdout, &stderr) }()
	defer func() {
		stop()
		if code := <-exit; code != 0 {
			t.Errorf("exit %d\n%s", code, stderr.String())
		}
	}()
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := sl.Wait(wctx, func(st slacktest.State) bool { return st.Live > 0 }); err != nil {
		t.Fatalf("Slack never connected: %s", stderr.String())
	}
	if _, err := dc.Wait(wctx, func(st discordtest.State) bool { return st.Gateway.Identifies > 0 }); err != nil {
		t.Fatalf("Discord never connected: %s", stderr.String())
	}

	// raise asks for a delete in Slack, confirms it, and returns its id
	// and the two approval messages (Slack ts, Discord id).
	raise := func(server string) (string, string, string) {
		t.Helper()
		if _, err := sl.Send(sl.Slash(slacktest.SlashCommand{User: "UALICE", Channel: "C0OPS", Text: "delete " + server}).Envelope()); err != nil {
			t.Fatal(err)
		}
		var prompt slacktest.Ephemeral
		if _, err := sl.Wait(wctx, func(st slacktest.State) bool {
			for _, e := range st.Ephemerals["UALICE"] {
				if strings.Contains(string(e.Blocks()), server) && strings.Contains(string(e.Blocks()), "vps:confirm") {
					prompt = e
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatalf("no prompt for %s", server)
		}
		press, err := sl.Press("UALICE", "C0OPS", prompt.TS, "vps:confirm")
		if err != nil {
			t.Fatal(err)
		}
		id := press.Actions[0].Value // the request id, all a button carries
		if _, err := sl.Send(press.Envelope()); err != nil {
			t.Fatal(err)
		}
		var slackTS, discordID string
		if _, err := sl.Wait(wctx, func(st slacktest.State) bool {
			for _, m := range st.Messages["C0APPROVALS"] {
				if strings.Contains(string(m.Blocks()), "vps:approve") && strings.Contains(string(m.Blocks()), id) {
					slackTS = m.TS
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatalf("%s never posted in Slack", id)
		}
		if _, err := dc.Wait(wctx, func(st discordtest.State) bool {
			for _, m := range st.Messages["300"] {
				if strings.Contains(string(m.History[len(m.History)-1].Components), "vps:approve:"+id) {
					discordID = m.ID
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatalf("%s never posted in Discord", id)
		}
		return id, slackTS, discordID
	}
	slackShows := func(ts, word string) {
		t.Helper()
		if _, err := sl.Wait(wctx, func(st slacktest.State) bool {
			m, ok := st.Message("C0APPROVALS", ts)
			return ok && strings.Contains(m.Text()+string(m.Blocks()), word) && !strings.Contains(string(m.Blocks()), "vps:approve")
		}); err != nil {
			t.Fatalf("the Slack message never showed %q", word)
		}
	}
	discordShows := func(id, word string) {
		t.Helper()
		if _, err := dc.Wait(wctx, func(st discordtest.State) bool {
			for _, m := range st.Messages["300"] {
				v := m.History[len(m.History)-1]
				if m.ID == id && strings.Contains(v.Content+string(v.Embeds), word) && !strings.Contains(string(v.Components), "vps:approve") {
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatalf("the Discord message never showed %q", word)
		}
	}

	// Approved in Discord: the Slack message follows.
	id1, ts1, msg1 := raise("demo-nyc/nyc-201")
	i := discordtest.Component("vps:approve:"+id1, 2, msg1)
	i.GuildID, i.ChannelID, i.UserID = "100", "300", "1004"
	if _, err := dc.SendInteraction(i); err != nil {
		t.Fatal(err)
	}
	slackShows(ts1, "succeeded")
	discordShows(msg1, "succeeded")

	// Denied in Slack: the Discord message follows.
	_, ts2, msg2 := raise("demo-nyc/nyc-202")
	press, err := sl.Press("UBOB", "C0APPROVALS", ts2, "vps:deny")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sl.Send(press.Envelope()); err != nil {
		t.Fatal(err)
	}
	discordShows(msg2, "denied")
	slackShows(ts2, "denied")
}
