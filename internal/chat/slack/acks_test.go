package slack_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/chat"
	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/metrics/metricstest"
)

const (
	acks    = "vpsops_chat_acks_total"
	ackTime = "vpsops_chat_ack_duration_seconds"
)

func measured(m *metrics.Metrics) func(*slackchat.Config) {
	return func(c *slackchat.Config) { c.Acks = m }
}

// Each signed HTTP request Slack sends is counted as the kind it is
// acknowledged as, and timed; one that fails verification is refused.
func TestHTTPAcknowledgementsAreCounted(t *testing.T) {
	fake := newFake(t)
	m := metrics.New()
	b := startBot(t, fake, openApp(t, db(t), 1000), httpMode, measured(m))

	b.slash(t, fake, carol, "whoami")
	ephemeralWith(t, fake, carol, "slack:T0FAKE:UCAROL")
	metricstest.Want(t, m.Registry(), 1, acks, "platform", slackchat.Source, "kind", chat.AckCommand)

	// Unsigned: 401, refused.
	resp, err := http.Post(b.http.URL+slackchat.CommandsPath, "application/x-www-form-urlencoded",
		strings.NewReader(string(fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "whoami"}).Body())))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an unsigned request was answered %d", resp.StatusCode)
	}
	metricstest.Want(t, m.Registry(), 1, acks, "platform", slackchat.Source, "kind", chat.AckRefused)
	metricstest.Want(t, m.Registry(), 2, ackTime, "platform", slackchat.Source)
}

// A Socket Mode envelope is counted once acknowledged.
func TestSocketModeAcknowledgementsAreCounted(t *testing.T) {
	fake := newFake(t)
	m := metrics.New()
	startBot(t, fake, openApp(t, db(t), 1000), socketMode, measured(m))
	id, err := fake.Send(fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "whoami"}).Envelope())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	// The fake may see the ack before the adapter counts it.
	metricstest.Eventually(t, m.Registry(), 1, acks, "platform", slackchat.Source, "kind", chat.AckCommand)
	metricstest.Want(t, m.Registry(), 1, ackTime, "platform", slackchat.Source)
}
