package discord_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs the replica tests on PostgreSQL, where
// replicas on several machines share the database.
func TestConformanceOnPostgres(t *testing.T) { storetest.RunOnPostgres(t, "^TestReplicas") }

// replica is one bot process of several on the database at addr: its own
// app (its own pool) and HTTP endpoint, remembering deliveries in the
// database.
func newReplica(t *testing.T, fake *discordtest.Server, clock *testClock, addr string) *bot {
	t.Helper()
	a := openAppAt(t, dbPath(t), 1000, func(c *config.Config) { c.Database = addr })
	d, err := chat.OpenDeliveries(context.Background(), a.DB, clock.Now)
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	return startBotWith(t, fake, a, clock, false, d)
}

// The same signed interaction reaching two replicas (Discord retrying
// through the load balancer, a replay) is acted on once.
func TestReplicasActOnceOnTheSameInteraction(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	addr := storetest.Database(t)
	one, two := newReplica(t, fake, clock, addr), newReplica(t, fake, clock, addr)
	i := discordtest.Command("vps", discordtest.SubCommand("reboot", discordtest.String("server", "demo-fra/fra-101")))
	i.GuildID, i.ChannelID, i.UserID = guild, opsChan, alice
	i = fake.Mint(i)
	h := discordtest.Sign(fake.Options().PrivateKey, clock.Now(), i.JSON())
	status, body := postRaw(t, one.http.URL+discordchat.InteractionsPath, i.JSON(), h)
	if status != http.StatusOK || !strings.Contains(body, `"type":5`) {
		t.Fatalf("the first replica answered %d %s, want a deferral", status, body)
	}
	status, body = postRaw(t, two.http.URL+discordchat.InteractionsPath, i.JSON(), h)
	if status != http.StatusOK || !strings.Contains(body, "handled already") {
		t.Fatalf("the second replica answered %d %s, want that it was handled already", status, body)
	}
	// Each handler returned only after starting whatever it acts on.
	one.ad.Wait()
	two.ad.Wait()
	if ran := counted(t, one.app, audit.Filter{Principal: "discord:" + alice}, audit.StageExecuted); ran != 1 {
		t.Fatalf("one interaction sent to two replicas ran %d times, want once", ran)
	}
}

// unanswered is a delivery store whose database does not answer.
type unanswered struct{}

func (unanswered) Seen(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("check a chat delivery in db: connection refused")
}

// When it cannot be told whether an interaction was acted on before, it
// is not acted on, and its answer says so, privately.
func TestInteractionFailsClosedWhenDeliveriesCannotTell(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBotWith(t, fake, openAppAt(t, dbPath(t), 1000), clock, false, unanswered{})
	i := discordtest.Command("vps", discordtest.SubCommand("reboot", discordtest.String("server", "demo-fra/fra-101")))
	i.GuildID, i.ChannelID, i.UserID = guild, opsChan, alice
	i = fake.Mint(i)
	status, body := postRaw(t, b.http.URL+discordchat.InteractionsPath, i.JSON(), discordtest.Sign(fake.Options().PrivateKey, clock.Now(), i.JSON()))
	if status != http.StatusOK || !strings.Contains(body, "not acted on") || !strings.Contains(body, `"flags":64`) {
		t.Fatalf("answered %d %s, want a private line saying it was not acted on", status, body)
	}
	b.ad.Wait()
	if ran := counted(t, b.app, audit.Filter{Principal: "discord:" + alice}, audit.StageExecuted); ran != 0 {
		t.Fatalf("ran %d times without knowing whether it was delivered before, want never", ran)
	}
}
