package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
)

// The chaos test's Slack workspace, played by slacktest: requesters type
// /vps in #ops, approvers press the buttons of the approval messages
// every replica posts to and edits in #approvals.
const (
	chaosTeam       = "T0FAKE"
	chaosOps        = "C0OPS"
	chaosApprovals  = "C0APPROVALS"
	chaosGuild      = "100"
	chaosDiscordOps = "200"
	approveButton   = "vps:approve"
	denyButton      = "vps:deny"
)

// requester and approver name the workspace's people: slack ids of
// capitals and digits, which the policy grants by pattern.
func requester(i int) string { return fmt.Sprintf("UREQ%02d", i) }
func approver(i int) string  { return fmt.Sprintf("UAPP%02d", i) }

func slackPrincipal(user string) string { return "slack:" + chaosTeam + ":" + user }

type workspace struct {
	fake *slacktest.Server
	// discord is the same team's Discord guild, reached over the gateway
	// only: it is there for the gateway duty (one connection, held by one
	// replica), and posts no approvals.
	discord *discordtest.Server
}

func newWorkspace(t *testing.T) *workspace {
	fake := slacktest.New(slacktest.Options{TeamID: chaosTeam,
		Channels: map[string]string{chaosOps: "ops", chaosApprovals: "approvals"}})
	t.Cleanup(fake.Close)
	dc := discordtest.New(discordtest.Options{GuildID: chaosGuild, Channels: []string{chaosDiscordOps}})
	t.Cleanup(dc.Close)
	return &workspace{fake: fake, discord: dc}
}

// slash is user typing "/vps text" in #ops, as Slack sends it to the
// replica behind r: signed, and answered 200 at once.
func (w *workspace) slash(ctx context.Context, r *replica, user, text string) error {
	c := w.fake.Slash(slacktest.SlashCommand{User: user, Channel: chaosOps, Text: text})
	status, body, err := w.fake.PostSigned(ctx, r.url+slackchat.CommandsPath, c.Body())
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("answered %d %s", status, body)
	}
	if err != nil {
		return fmt.Errorf("/vps %s by %s to replica %s: %w", text, user, r.name, err)
	}
	return nil
}

// approveClicks are n clicks of user on the Approve button of approval
// message ts, as it shows now: each click is a payload of its own, as
// two clicks of a person are.
func (w *workspace) approveClicks(user, ts string, n int) ([][]byte, error) {
	var out [][]byte
	for range n {
		a, err := w.fake.Press(user, chaosApprovals, ts, approveButton)
		if err != nil {
			return nil, err
		}
		out = append(out, a.Body())
	}
	return out, nil
}

// signed is an interaction as Slack sends it, signed once: delivering it
// to several replicas is Slack delivering the same press to each.
type signed struct {
	body   []byte
	header http.Header
}

func (w *workspace) sign(body []byte) signed {
	return signed{body: body, header: slacktest.Sign(w.fake.Options().SigningSecret, time.Now(), body)}
}

// deliver sends s to the replica behind r and checks it was acknowledged.
func (w *workspace) deliver(ctx context.Context, r *replica, s signed) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+slackchat.InteractionsPath, bytes.NewReader(s.body))
	if err != nil {
		return err
	}
	for k, v := range s.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("press to replica %s: %w", r.name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("press to replica %s: answered %d %s", r.name, resp.StatusCode, b)
	}
	return nil
}

// approvalMessages maps each request shown in #approvals to its messages
// there, in post order.
func approvalMessages(st slacktest.State) map[string][]slacktest.Message {
	out := map[string][]slacktest.Message{}
	for _, m := range st.Messages[chaosApprovals] {
		id := requestOf(m)
		out[id] = append(out[id], m)
	}
	return out
}

// requestOf is the request an approval message shows: the value its
// Approve button carried when it was posted ("" when it had none).
func requestOf(m slacktest.Message) string {
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if json.Unmarshal(m.History[0].Blocks, &blocks) != nil {
		return ""
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == approveButton {
				return e.Value
			}
		}
	}
	return ""
}

// shown is what a message shows now, text and blocks, with the escapes
// encoding/json puts in blocks undone ("<@U1>" as Slack reads it).
func shown(m slacktest.Message) string {
	return m.Text() + "\n" + strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(m.Blocks()))
}

// slowedDown names someone the bot told to slow down, if anyone: their
// command or press was dropped, and the test would wait for it in vain.
func slowedDown(st slacktest.State) string {
	for user, es := range st.Ephemerals {
		for _, e := range es {
			if strings.Contains(e.Text()+string(e.Blocks()), "faster than vpsops takes them") {
				return user
			}
		}
	}
	return ""
}
