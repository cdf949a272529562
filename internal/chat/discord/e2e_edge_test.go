package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/audit"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/commands"
)

// postRaw sends body to url with the signature headers of h, as anyone on
// the network could, and returns the status and the answer.
func postRaw(t *testing.T, url string, body []byte, h http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// The same signed interaction delivered twice (Discord retrying, a
// replay within the 5 minutes) is acted on once.
func TestADuplicateInteractionIsActedOnOnce(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	i := discordtest.Command("vps", discordtest.SubCommand("reboot", discordtest.String("server", "demo-fra/fra-101")))
	i.GuildID, i.ChannelID, i.UserID = guild, opsChan, alice
	i = fake.Mint(i)
	url := b.http.URL + discordchat.InteractionsPath
	h := discordtest.Sign(fake.Options().PrivateKey, clock.Now(), i.JSON())
	first, body := postRaw(t, url, i.JSON(), h)
	if first != http.StatusOK || !strings.Contains(body, `"type":5`) {
		t.Fatalf("the first delivery: %d %s", first, body)
	}
	second, body := postRaw(t, url, i.JSON(), h)
	if second != http.StatusOK || !strings.Contains(body, "handled already") || !strings.Contains(body, `"flags":64`) {
		t.Fatalf("the second delivery: %d %s", second, body)
	}
	b.ad.Wait()
	if ran := counted(t, b.app, audit.Filter{Principal: "discord:" + alice}, audit.StageExecuted); ran != 1 {
		t.Fatalf("one reboot delivered twice ran %d times", ran)
	}
}

// What the endpoint refuses before reading an interaction, and what it
// answers without acting.
func TestForgedStaleOversizedMalformedAndAnonymousInteractions(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	url := b.http.URL + discordchat.InteractionsPath
	key := fake.Options().PrivateKey
	i := discordtest.Command("vps", discordtest.SubCommand("whoami"))
	i.GuildID, i.ChannelID, i.UserID = guild, opsChan, carol
	body := fake.Mint(i).JSON()

	if status, _, _ := fake.PostSigned(context.Background(), url, body, discordtest.BadSignature()); status != http.StatusUnauthorized {
		t.Fatalf("a forged signature: %d", status)
	}
	if status, _, _ := fake.PostSigned(context.Background(), url, body, discordtest.Stale(6*time.Minute)); status != http.StatusUnauthorized {
		t.Fatalf("a stale timestamp: %d", status)
	}
	if status, _ := postRaw(t, url, body, nil); status != http.StatusUnauthorized {
		t.Fatalf("no signature: %d", status)
	}
	big := append(append([]byte{}, body...), bytes.Repeat([]byte(" "), int(discordchat.DefaultMaxBody))...)
	if status, _ := postRaw(t, url, big, discordtest.Sign(key, clock.Now(), big)); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("an oversized body: %d", status)
	}
	junk := []byte(`{"type":2,"id":`)
	status, answer := postRaw(t, url, junk, discordtest.Sign(key, clock.Now(), junk))
	if status != http.StatusBadRequest || strings.Count(strings.TrimSpace(answer), "\n") != 0 || strings.Contains(answer, "component") {
		t.Fatalf("a body that is not JSON: %d %q", status, answer)
	}
	// Signed, but nobody's: no member, no user.
	var anon map[string]any
	if err := json.Unmarshal(fake.Mint(i).JSON(), &anon); err != nil {
		t.Fatal(err)
	}
	delete(anon, "member")
	delete(anon, "user")
	raw, _ := json.Marshal(anon)
	status, answer = postRaw(t, url, raw, discordtest.Sign(key, clock.Now(), raw))
	if status != http.StatusOK || !strings.Contains(answer, "no user") || !strings.Contains(answer, `"flags":64`) {
		t.Fatalf("an interaction without a user: %d %s", status, answer)
	}
	// None of it reached the runner.
	b.ad.Wait()
	if n := fake.Calls(discordtest.RouteWebhookEdit) + fake.Calls(discordtest.RouteFollowUp); n != 0 {
		t.Fatalf("a refused interaction was answered %d times", n)
	}
	// The refusals are on the record (at most one record a minute).
	recs, err := b.app.Audit.Query(context.Background(), audit.Filter{Principal: string(discordchat.Unverified)})
	if err != nil || len(recs) == 0 {
		t.Fatalf("refused requests not audited: %v %v", recs, err)
	}
}

// Discord rate-limits the edit of an approval message: the message still
// ends showing how the request ended, and there is one of it.
func TestApprovalMessageEndsRightThroughARateLimit(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	id, posted := confirmed(t, b, fake, "delete", "demo-nyc/nyc-201")
	fake.Fail(discordtest.RouteMessageEdit, 2, discordtest.RateLimit(0.2))
	b.deliver(t, fake, bob, discordtest.Component("vps:approve:"+id, 2, posted.ID))
	waitFor(t, fake, "the approval message edited to the result", func(st discordtest.State) bool {
		m, _ := st.Message(posted.ID)
		return strings.Contains(shows(m.Now()), "succeeded") && !strings.Contains(string(m.Now().Components), "vps:")
	})
	if n := fake.Calls(discordtest.RouteMessageEdit); n < 3 {
		t.Fatalf("the rate limit was never met: %d edits", n)
	}
	if n := len(fake.State().Messages[approvals]); n != 1 {
		t.Fatalf("%d approval messages for one request", n)
	}
}

// A request raised in another process on the same database (the shell of
// a second terminal, an AI assistant over MCP) is posted to the approvals
// channel once, and its message follows every change, whoever makes it.
func TestRequestsRaisedElsewhereArePostedOnceAndFollowed(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	path := dbPath(t)
	b := startBot(t, fake, openAppAt(t, path, 1000), clock, false)
	shell := openAppAt(t, path, 1000)
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
	posted := channelMessage(t, fake, approvals, "vps:approve:"+id, "shell:dave")
	b.deliver(t, fake, bob, discordtest.Component("vps:approve:"+id, 2, posted.ID))
	waitFor(t, fake, "the shell's request approved on Discord", func(st discordtest.State) bool {
		m, _ := st.Message(posted.ID)
		return strings.Contains(shows(m.Now()), "succeeded") && !strings.Contains(string(m.Now().Components), "vps:")
	})

	// An AI assistant's delete needs an approver; the shell approves it,
	// and the Discord message follows.
	res, err = shell.Runner.Run(context.Background(), commands.Request{Source: "mcp", Principal: "mcp:ops-agent",
		Command: "delete", Args: map[string]any{"server": "demo-nyc/nyc-204"}})
	if err != nil || res.Pending == nil {
		t.Fatalf("an MCP delete did not wait for an approver: %v", err)
	}
	mcpID := res.Pending.ID
	mcpPost := channelMessage(t, fake, approvals, "vps:approve:"+mcpID, "mcp:ops-agent")
	if _, err := shell.Runner.Decide(context.Background(), q, mcpID, true, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fake, "the MCP request decided in the shell", func(st discordtest.State) bool {
		m, _ := st.Message(mcpPost.ID)
		return holdsAll(shows(m.Now()), []string{"succeeded", "shell:dave"}) && !strings.Contains(string(m.Now().Components), "vps:")
	})
	// The bot took the notices in order: both requests' every change is
	// behind it, and each was posted once.
	if n := len(fake.State().Messages[approvals]); n != 2 {
		t.Fatalf("%d approval messages for two requests raised elsewhere", n)
	}
}
