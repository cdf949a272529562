package slack_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

func db(t testing.TB) string { return filepath.Join(t.TempDir(), "vpsops.db") }

func TestReadsAreAnsweredToTheRequesterAlone(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	b.slash(t, fake, carol, "status demo-fra/fra-101")
	ephemeralWith(t, fake, carol, "fra-101")
	b.slash(t, fake, carol, "whoami")
	ephemeralWith(t, fake, carol, "slack:T0FAKE:UCAROL", "viewer")
	b.slash(t, fake, carol, "reboot")
	ephemeralWith(t, fake, carol, ":x:", "Usage")
	b.adapter.Wait()
	if msgs := fake.State().Messages[ops]; len(msgs) != 0 {
		t.Fatalf("reads posted in the channel: %+v", msgs)
	}
}

func TestConfirmIsTheRequestersAlone(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	b.slash(t, fake, alice, "poweroff demo-fra/fra-102")
	prompt := ephemeralWith(t, fake, alice, "vps:confirm", "vps:cancel")
	id := requestID(t, prompt.Blocks())
	v, err := b.app.Runner.Lookup(context.Background(), id, principal(alice))
	if err != nil {
		t.Fatal(err)
	}
	// The prompt says exactly what happens to which server.
	if !holds(string(prompt.Blocks()), []string{v.Target.IP, "demo-fra/fra-102"}) {
		t.Fatalf("the prompt does not name the server and its IP: %s", prompt.Blocks())
	}
	// carol's forged press on alice's prompt: refused to her alone, audited.
	stranger := fake.Actions(slacktest.BlockActions{User: carol, Channel: ops, MessageTS: prompt.TS,
		Actions: []slacktest.Action{{ActionID: "vps:confirm", Value: id, Type: "button"}}})
	if status, body, err := fake.PostSigned(context.Background(), b.http.URL+slackchat.InteractionsPath, stranger.Body()); err != nil || status != http.StatusOK {
		t.Fatalf("stranger's press: %d %s %v", status, body, err)
	}
	ephemeralWith(t, fake, carol, ":x:")
	if v, _ := b.app.Runner.Lookup(context.Background(), id, principal(alice)); v.State != approval.Confirming {
		t.Fatalf("after a stranger's press the request is %s", v.State)
	}
	recs, err := b.app.Audit.Query(context.Background(), audit.Filter{Principal: string(principal(carol))})
	if err != nil || len(recs) == 0 {
		t.Fatalf("the stranger's press is not on the record: %v %v", recs, err)
	}
	// alice's own press: the prompt becomes the outcome, the channel
	// sees the result naming her.
	b.press(t, fake, alice, ops, prompt.TS, "vps:confirm")
	messageWith(t, fake, ops, "<@"+alice+">")
	waitFor(t, fake, "the prompt replaced with its outcome", func(st slacktest.State) bool {
		for _, e := range st.Ephemerals[alice] {
			if e.TS == prompt.TS {
				return len(e.History) > 1 && !strings.Contains(string(e.Blocks()), "vps:confirm")
			}
		}
		return false
	})
}

func TestApprovalMessageFollowsTheRequest(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	b.slash(t, fake, alice, "delete demo-nyc/nyc-201")
	prompt := ephemeralWith(t, fake, alice, "vps:confirm")
	id := requestID(t, prompt.Blocks())
	b.press(t, fake, alice, ops, prompt.TS, "vps:confirm")
	posted := messageWith(t, fake, approvals, id, "vps:approve", "vps:deny", "<@"+alice+">")
	// alice may not approve her own request.
	b.press(t, fake, alice, approvals, posted.TS, "vps:approve")
	ephemeralWith(t, fake, alice, ":x:", "your own")
	// bob double-clicks Approve: it runs once.
	b.press(t, fake, bob, approvals, posted.TS, "vps:approve")
	b.press(t, fake, bob, approvals, posted.TS, "vps:approve")
	done := messageWith(t, fake, approvals, id, "<@"+bob+">", ":white_check_mark:")
	if strings.Contains(string(done.Blocks()), "vps:approve") {
		t.Fatalf("a decided request still shows Approve: %s", done.Blocks())
	}
	// alice hears the outcome in #ops, where she asked.
	messageWith(t, fake, ops, "<@"+alice+">", id)
	recs, err := b.app.Audit.Query(context.Background(), audit.Filter{ApprovalID: id})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, r := range recs {
		if r.Stage == audit.StageExecuted {
			ran++
		}
	}
	if ran != 1 {
		t.Fatalf("the approved delete ran %d times", ran)
	}
	if n := len(fake.State().Messages[approvals]); n != 1 {
		t.Fatalf("%d approval messages for one request", n)
	}
}

func TestDenyByButtonAndWithAReason(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	ask := func(server string) (string, slacktest.Message) {
		b.slash(t, fake, alice, "delete "+server)
		prompt := ephemeralWith(t, fake, alice, "vps:confirm", server)
		id := requestID(t, prompt.Blocks())
		b.press(t, fake, alice, ops, prompt.TS, "vps:confirm")
		return id, messageWith(t, fake, approvals, id, "vps:deny")
	}
	id1, m1 := ask("demo-nyc/nyc-201")
	b.press(t, fake, bob, approvals, m1.TS, "vps:deny")
	messageWith(t, fake, approvals, id1, ":no_entry_sign:")
	id2, _ := ask("demo-nyc/nyc-202")
	b.slash(t, fake, bob, "deny "+id2+" not during the freeze")
	messageWith(t, fake, approvals, id2, ":no_entry_sign:", "not during the freeze")
	messageWith(t, fake, ops, "<@"+alice+">", id2, "not during the freeze")
}

func TestExpiryUpdatesTheApprovalMessage(t *testing.T) {
	fake := newFake(t)
	a := openApp(t, db(t), 1000, func(c *config.Config) { c.Approvals.TTL = config.Duration(time.Second) })
	b := startBot(t, fake, a, httpMode)
	b.slash(t, fake, alice, "delete demo-nyc/nyc-201")
	prompt := ephemeralWith(t, fake, alice, "vps:confirm")
	id := requestID(t, prompt.Blocks())
	b.press(t, fake, alice, ops, prompt.TS, "vps:confirm")
	messageWith(t, fake, approvals, id, "vps:approve")
	m := messageWith(t, fake, approvals, id, ":hourglass:")
	if strings.Contains(string(m.Blocks()), "vps:approve") {
		t.Fatalf("an expired request still shows Approve: %s", m.Blocks())
	}
}

// A request raised in another process (the shell of a second terminal on
// the same database) is posted to the approvals channel once, and its
// message follows every change, whoever makes it.
func TestRequestsRaisedElsewhereArePostedOnceAndFollowed(t *testing.T) {
	fake := newFake(t)
	path := db(t)
	b1 := startBot(t, fake, openApp(t, path, 1000), httpMode)
	startBot(t, fake, openApp(t, path, 1000), socketMode) // a second bot process
	shell := openApp(t, path, 1000)
	defer shell.Close()
	q := commands.Request{Source: "shell", Principal: "shell:dave", CanConfirm: true}
	res, err := shell.Runner.RunText(context.Background(), q, "delete demo-nyc/nyc-203")
	if err != nil || res.Pending == nil {
		t.Fatalf("shell delete: %v", err)
	}
	id := res.Pending.ID
	if _, err := shell.Runner.Confirm(context.Background(), q, id); err != nil {
		t.Fatal(err)
	}
	posted := messageWith(t, fake, approvals, id, "vps:approve", "shell:dave")
	b1.press(t, fake, bob, approvals, posted.TS, "vps:approve")
	messageWith(t, fake, approvals, id, ":white_check_mark:")

	// An AI assistant's delete needs an approver; the shell approves it,
	// and the Slack message follows.
	res, err = shell.Runner.Run(context.Background(), commands.Request{Source: "mcp", Principal: "mcp:ops-agent",
		Command: "delete", Args: map[string]any{"server": "demo-nyc/nyc-204"}})
	if err == nil && res.Pending == nil {
		t.Fatal("an MCP delete ran without approval")
	}
	if err != nil {
		t.Fatalf("mcp delete: %v", err)
	}
	mcpID := res.Pending.ID
	messageWith(t, fake, approvals, mcpID, "vps:approve", "mcp:ops-agent")
	if _, err := shell.Runner.Decide(context.Background(), q, mcpID, true, ""); err != nil {
		t.Fatal(err)
	}
	decided := messageWith(t, fake, approvals, mcpID, ":white_check_mark:", "shell:dave")
	if strings.Contains(unJSON(decided.Blocks()), "vps:approve") {
		t.Fatalf("decided in the shell, the Slack message still offers Approve")
	}
	// Give the second bot a round to (wrongly) post them again.
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.State().Messages[approvals]); n != 2 {
		t.Fatalf("%d approval messages for two requests raised elsewhere", n)
	}
}

// Every bot process hears every change; the requester is told once.
func TestTwoBotProcessesTellTheRequesterOnce(t *testing.T) {
	fake := newFake(t)
	path := db(t)
	b1 := startBot(t, fake, openApp(t, path, 1000), httpMode)
	startBot(t, fake, openApp(t, path, 1000), socketMode)
	b1.slash(t, fake, alice, "delete demo-nyc/nyc-201")
	prompt := ephemeralWith(t, fake, alice, "vps:confirm")
	id := requestID(t, prompt.Blocks())
	b1.press(t, fake, alice, ops, prompt.TS, "vps:confirm")
	posted := messageWith(t, fake, approvals, id, "vps:approve")
	b1.press(t, fake, bob, approvals, posted.TS, "vps:approve")
	messageWith(t, fake, ops, "<@"+alice+">", id, ":white_check_mark:")
	time.Sleep(300 * time.Millisecond) // a round for the other process to (wrongly) tell too
	told := 0
	for _, m := range fake.State().Messages[ops] {
		if strings.Contains(m.Text()+unJSON(m.Blocks()), id) {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("the requester was told %d times", told)
	}
}

// A request raised while no bot ran (a deploy) is posted when one starts.
func TestRequestsRaisedWhileNoBotRanArePostedAtStart(t *testing.T) {
	fake := newFake(t)
	path := db(t)
	shell := openApp(t, path, 1000)
	defer shell.Close()
	q := commands.Request{Source: "shell", Principal: "shell:dave", CanConfirm: true}
	res, err := shell.Runner.RunText(context.Background(), q, "delete demo-nyc/nyc-203")
	if err != nil || res.Pending == nil {
		t.Fatalf("shell delete: %v", err)
	}
	if _, err := shell.Runner.Confirm(context.Background(), q, res.Pending.ID); err != nil {
		t.Fatal(err)
	}
	startBot(t, fake, openApp(t, path, 1000), httpMode)
	messageWith(t, fake, approvals, res.Pending.ID, "vps:approve")
}
