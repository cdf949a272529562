package slack_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
)

// FuzzSignedRequests sends correctly signed bodies of any content to both
// endpoints: whatever Slack (or whoever holds the secret) sends, the bot
// answers 200 or 400 with one line, never panics, and never answers 401
// to a good signature.
func FuzzSignedRequests(f *testing.F) {
	fake := newFake(f)
	a := openApp(f, db(f), 1000)
	o := fake.Options()
	ad, err := slackchat.New(context.Background(), a.Runner, slackchat.Config{BotToken: o.BotToken,
		SigningSecret: o.SigningSecret, ApprovalsChannel: approvals, APIURL: fake.APIURL()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ad.Wait(); a.Close() })
	mux := http.NewServeMux()
	if err := ad.Routes(mux); err != nil {
		f.Fatal(err)
	}
	f.Add(true, fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "whoami"}).Body())
	f.Add(true, []byte("team_id=T1&user_id=U1&channel_id=C1&text=list%00"))
	f.Add(false, fake.Actions(slacktest.BlockActions{User: bob, Channel: approvals, MessageTS: "1.2",
		Actions: []slacktest.Action{{ActionID: "vps:approve", Value: "r-nope", Type: "button"}}}).Body())
	f.Add(false, []byte("payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B%5D%7D"))
	f.Add(false, []byte("payload=null"))
	f.Fuzz(func(t *testing.T, command bool, body []byte) {
		path := slackchat.InteractionsPath
		if command {
			path = slackchat.CommandsPath
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		for k, v := range slacktest.Sign(o.SigningSecret, time.Now(), body) {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest:
		case http.StatusRequestEntityTooLarge:
			// Only a body over the limit is refused before parsing.
			if len(body) <= int(slackchat.DefaultMaxBody) {
				t.Fatalf("a signed body refused as too large: %s", rec.Body)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if bytes.Count(bytes.TrimSpace(rec.Body.Bytes()), []byte("\n")) > 0 {
			t.Fatalf("a multi-line answer: %q", rec.Body)
		}
	})
}
