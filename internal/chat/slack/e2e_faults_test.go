package slack_test

import (
	"testing"

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
