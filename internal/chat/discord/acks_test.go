package discord_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/chat"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/metrics/metricstest"
)

const (
	acks    = "vpsops_chat_acks_total"
	ackTime = "vpsops_chat_ack_duration_seconds"
)

func measured(m *metrics.Metrics) func(*discordchat.Config) {
	return func(c *discordchat.Config) { c.Acks = m }
}

// Each signed interaction is counted as its kind once answered, and
// timed; a request that fails verification is refused. The answer is
// flushed before the count is taken, so the test waits for the figure.
func TestHTTPInteractionAcknowledgementsAreCounted(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	m := metrics.New()
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false, measured(m))
	reg := m.Registry()

	i := b.deliver(t, fake, carol, discordtest.Command("vps", discordtest.SubCommand("whoami")))
	answered(t, fake, i.ID, "discord:"+carol)
	metricstest.Eventually(t, reg, 1, acks, "platform", discordchat.Source, "kind", chat.AckCommand)
	b.deliver(t, fake, carol, discordtest.Autocomplete("vps", discordtest.SubCommand("status", discordtest.Focused(discordtest.String("server", "demo")))))
	metricstest.Eventually(t, reg, 1, acks, "platform", discordchat.Source, "kind", chat.AckAutocomplete)
	b.deliver(t, fake, carol, discordtest.Ping())
	metricstest.Eventually(t, reg, 1, acks, "platform", discordchat.Source, "kind", chat.AckPing)

	resp, err := http.Post(b.http.URL+discordchat.InteractionsPath, "application/json", strings.NewReader(`{"type":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an unsigned interaction was answered %d", resp.StatusCode)
	}
	metricstest.Eventually(t, reg, 1, acks, "platform", discordchat.Source, "kind", chat.AckRefused)
	metricstest.Eventually(t, reg, 4, ackTime, "platform", discordchat.Source)
}

// An interaction over the gateway is counted once its callback was sent.
func TestGatewayInteractionAcknowledgementsAreCounted(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	m := metrics.New()
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, true, measured(m))
	i := b.deliver(t, fake, carol, discordtest.Command("vps", discordtest.SubCommand("whoami")))
	answered(t, fake, i.ID, "discord:"+carol)
	metricstest.Eventually(t, m.Registry(), 1, acks, "platform", discordchat.Source, "kind", chat.AckCommand)
	metricstest.Want(t, m.Registry(), 1, ackTime, "platform", discordchat.Source)
}
