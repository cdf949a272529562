package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
)

// post sends body to path with headers h, as anyone on the network could.
func post(t *testing.T, url string, body []byte, h http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

func TestForgedStaleReplayedOversizedAndMalformedRequests(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	url := b.http.URL + slackchat.CommandsPath
	secret := fake.Options().SigningSecret
	body := fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "whoami"}).Body()

	if status, _ := post(t, url, body, slacktest.Sign("not-the-secret", time.Now(), body)); status != http.StatusUnauthorized {
		t.Fatalf("a forged signature: %d", status)
	}
	if status, _ := post(t, url, body, slacktest.Sign(secret, time.Now().Add(-6*time.Minute), body)); status != http.StatusUnauthorized {
		t.Fatalf("a stale timestamp: %d", status)
	}
	if status, _ := post(t, url, body, nil); status != http.StatusUnauthorized {
		t.Fatalf("no signature: %d", status)
	}
	big := append(append([]byte{}, body...), bytes.Repeat([]byte("x"), 2<<20)...)
	if status, _ := post(t, url, big, slacktest.Sign(secret, time.Now(), big)); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("an oversized body: %d", status)
	}
	junk := []byte("%zz=%%")
	if status, _ := post(t, url, junk, slacktest.Sign(secret, time.Now(), junk)); status != http.StatusBadRequest {
		t.Fatalf("a malformed body: %d", status)
	}
	noTeam := []byte("user_id=UCAROL&channel_id=C0OPS&text=whoami")
	if status, _ := post(t, url, noTeam, slacktest.Sign(secret, time.Now(), noTeam)); status != http.StatusBadRequest {
		t.Fatalf("a body without a team: %d", status)
	}
	badPayload := []byte("payload=%7Bnot+json")
	if status, _ := post(t, b.http.URL+slackchat.InteractionsPath, badPayload, slacktest.Sign(secret, time.Now(), badPayload)); status != http.StatusBadRequest {
		t.Fatalf("a malformed interaction payload: %d", status)
	}
	// Nothing of the above reached the runner.
	b.adapter.Wait()
	if st := fake.State(); len(st.Ephemerals[carol]) != 0 || len(st.Responses) != 0 {
		t.Fatalf("a refused request was answered: %+v", st.Ephemerals[carol])
	}
	// The genuine request, sent twice as it is (a replay): answered once.
	h := slacktest.Sign(secret, time.Now(), body)
	for range 2 {
		if status, _ := post(t, url, body, h); status != http.StatusOK {
			t.Fatalf("a genuine request: %d", status)
		}
	}
	ephemeralWith(t, fake, carol, "slack:T0FAKE:UCAROL")
	b.adapter.Wait()
	if n := len(fake.State().Ephemerals[carol]); n != 1 {
		t.Fatalf("a replayed command answered %d times", n)
	}
	// The refusals are on the record (at most one record a minute).
	recs, err := b.app.Audit.Query(context.Background(), auditFilter(string(slackchat.Unverified)))
	if err != nil || len(recs) == 0 {
		t.Fatalf("refused requests not audited: %v %v", recs, err)
	}
}

func TestSocketModeAcksAtOnceAndActsOncePerEnvelope(t *testing.T) {
	fake := newFake(t)
	a := openApp(t, db(t), 1000)
	startBot(t, fake, a, socketMode)
	c := fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "whoami"})
	id, err := fake.Send(c.Envelope())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	// Slack redelivers it (as after a lost ack): acked, not acted on again.
	if err := fake.Redeliver(id, "timeout"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fake, "the redelivery acked", func(st slacktest.State) bool {
		n := 0
		for _, a := range st.Acks {
			if a.EnvelopeID == id {
				n++
			}
		}
		return n == 2
	})
	ephemeralWith(t, fake, carol, "slack:T0FAKE:UCAROL")
	// Slack recycles the connection: the bot reconnects and goes on.
	fake.Disconnect("refresh_requested")
	waitFor(t, fake, "a reconnect", func(st slacktest.State) bool { return st.Connections >= 2 && st.Live > 0 })
	id2, err := fake.Send(fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "status demo-fra/fra-101"}).Envelope())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitAck(ctx, id2); err != nil {
		t.Fatal(err)
	}
	ephemeralWith(t, fake, carol, "fra-101")
	if n := len(fake.State().Ephemerals[carol]); n != 2 {
		t.Fatalf("%d answers to two commands", n)
	}
	// A network failure (no goodbye) is survived too.
	fake.Drop()
	waitFor(t, fake, "a reconnect after a drop", func(st slacktest.State) bool { return st.Connections >= 3 && st.Live > 0 })
}

// A long change shows one visible message, edited with its progress and
// then its result; the generated root password of a reinstall is shown
// to the requester alone.
func TestProgressIsOneEditedMessageAndSecretsStayPrivate(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 10), httpMode) // a reinstall takes a few seconds
	b.slash(t, fake, alice, "reinstall demo-fra/fra-101 debian-12")
	prompt := ephemeralWith(t, fake, alice, "vps:confirm")
	b.press(t, fake, alice, ops, prompt.TS, "vps:confirm")
	done := messageWith(t, fake, ops, "<@"+alice+">", "reinstall demo-fra/fra-101")
	defer func() {
		if t.Failed() {
			for _, m := range fake.State().Messages[ops] {
				for _, v := range m.History {
					t.Logf("%s: %s", m.TS, v.Text)
				}
			}
		}
	}()
	final := waitFor(t, fake, "the result edited into the progress message", func(st slacktest.State) bool {
		m, ok := st.Message(ops, done.TS)
		return ok && strings.Contains(m.Text(), "reinstalled with debian-12")
	})
	m, _ := final.Message(ops, done.TS)
	if len(m.History) < 2 {
		t.Fatalf("the progress message was never edited: %+v", m.History)
	}
	if len(final.Messages[ops]) != 1 {
		t.Fatalf("%d messages in the channel for one reinstall", len(final.Messages[ops]))
	}
	password := ephemeralWith(t, fake, alice, "Only you can see")
	_ = password
	for _, ch := range final.Messages {
		for _, msg := range ch {
			for _, v := range msg.History {
				if strings.Contains(v.Text+unJSON(v.Blocks), "Only you can see") {
					t.Fatalf("a secret in channel %s: %s", msg.Channel, v.Text)
				}
			}
		}
	}
	t.Logf("the progress message went through %d versions", len(m.History))
}

// Identity is the presser's own: a press whose user carries no team (as
// a shared channel's host team must never stand in for it) is refused,
// and an Enterprise Grid press is the organisation's principal.
func TestPressIdentityIsThePressersOwn(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	act := fake.Actions(slacktest.BlockActions{User: carol, Channel: ops, MessageTS: "1.1",
		Actions: []slacktest.Action{{ActionID: "vps:approve", Value: "r-nope", Type: "button"}}})
	var p map[string]any
	if err := json.Unmarshal(act.JSON(), &p); err != nil {
		t.Fatal(err)
	}
	delete(p["user"].(map[string]any), "team_id")
	raw, _ := json.Marshal(p)
	body := []byte(url.Values{"payload": {string(raw)}}.Encode())
	status, answer, err := fake.PostSigned(context.Background(), b.http.URL+slackchat.InteractionsPath, body)
	if err != nil || status != http.StatusBadRequest || !strings.Contains(string(answer), "team") {
		t.Fatalf("a press without the user's team: %d %s %v", status, answer, err)
	}
	// In an Enterprise Grid organisation, the organisation is the team
	// part: carol's press on an unknown request is refused under it.
	p["enterprise"] = map[string]any{"id": "E0GRID", "name": "grid"}
	p["user"].(map[string]any)["team_id"] = "T0OTHER"
	raw, _ = json.Marshal(p)
	body = []byte(url.Values{"payload": {string(raw)}}.Encode())
	if status, answer, err := fake.PostSigned(context.Background(), b.http.URL+slackchat.InteractionsPath, body); err != nil || status != http.StatusOK {
		t.Fatalf("a Grid press: %d %s %v", status, answer, err)
	}
	ephemeralWith(t, fake, carol, ":x:")
	recs, err := b.app.Audit.Query(context.Background(), auditFilter("slack:E0GRID:"+carol))
	if err != nil || len(recs) == 0 {
		t.Fatalf("the Grid press is not on the record as slack:E0GRID:%s: %v %v", carol, recs, err)
	}
}

// Anyone in the workspace can type /vps; a flood of it from one person is
// slowed down, and does not become a flood of audit records.
func TestAFloodFromOnePersonIsPaced(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	const n = 60
	for range n {
		b.slash(t, fake, "UNOBODY", "list")
	}
	ephemeralWith(t, fake, "UNOBODY", "faster than vpsops takes them")
	b.adapter.Wait()
	recs, err := b.app.Audit.Query(context.Background(), auditFilter("slack:"+team+":UNOBODY"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) >= n {
		t.Fatalf("%d commands made %d audit records", n, len(recs))
	}
	t.Logf("%d commands, %d audit records", n, len(recs))
}
