package slack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
)

// Slack rate-limits and fails: an approval message is still posted once
// and ends showing the request's final state.
func TestApprovalMessagesSurviveRateLimitsAndOutages(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	fake.Fail("chat.postMessage", 1, slacktest.ServerError(503))
	b.slash(t, fake, alice, "delete demo-nyc/nyc-201")
	prompt := ephemeralWith(t, fake, alice, "vps:confirm")
	id := requestID(t, prompt.Blocks())
	b.press(t, fake, alice, ops, prompt.TS, "vps:confirm")
	posted := messageWith(t, fake, approvals, id, "vps:approve")
	fake.Fail("chat.update", 2, slacktest.RateLimit(1))
	b.press(t, fake, bob, approvals, posted.TS, "vps:approve")
	messageWith(t, fake, approvals, id, ":white_check_mark:")
	if n := len(fake.State().Messages[approvals]); n != 1 {
		t.Fatalf("%d approval messages for one request", n)
	}
}

// A response_url Slack no longer takes (used up, expired) does not lose
// the answer: it goes through chat.postEphemeral instead.
func TestAnswersOutliveTheResponseURL(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	fake.Fail("response_url", 1, slacktest.ServerError(404))
	b.slash(t, fake, carol, "whoami")
	ephemeralWith(t, fake, carol, "slack:T0FAKE:UCAROL")
	if fake.Calls("chat.postEphemeral") == 0 {
		t.Fatal("the answer did not fall back to chat.postEphemeral")
	}
}

// A response_url that is not Slack's (nor the configured API host's) is
// never posted to: the answer goes through the Web API instead.
func TestAnswersAreNeverPostedToAForeignURL(t *testing.T) {
	fake := newFake(t)
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode)
	var hit atomic.Int32
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit.Add(1) }))
	defer foreign.Close()
	c := fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "whoami", ResponseURL: foreign.URL + "/hook"})
	if status, body, err := fake.PostSigned(context.Background(), b.http.URL+slackchat.CommandsPath, c.Body()); err != nil || status != http.StatusOK {
		t.Fatalf("%d %s %v", status, body, err)
	}
	ephemeralWith(t, fake, carol, "slack:T0FAKE:UCAROL")
	if hit.Load() != 0 {
		t.Fatal("the bot posted an answer to a foreign response_url")
	}
}
