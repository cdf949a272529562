package slack_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat"
	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs the replica tests on PostgreSQL, where
// replicas on several machines share the database.
func TestConformanceOnPostgres(t *testing.T) { storetest.RunOnPostgres(t, "^TestReplicas") }

// replica is one bot process of several on one database: its own app
// (its own pool) and adapter, remembering deliveries in the database.
func replica(t *testing.T, fake *slacktest.Server, addr string, m mode) *bot {
	t.Helper()
	cfg := config.Default()
	cfg.Database = addr
	cfg.Demo.Speed = 1000
	cfg.Policy.Policy = testPolicy(t, t.TempDir())
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := chat.OpenDeliveries(context.Background(), a.DB, nil)
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	return startBotWith(t, fake, a, m, d)
}

// executed counts the executed records of user's command on the shared
// audit trail.
func executed(t *testing.T, a *app.App, user, command string) int {
	t.Helper()
	recs, err := a.Audit.Query(context.Background(), audit.Filter{Principal: string(principal(user))})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Stage == audit.StageExecuted && r.Command == command {
			n++
		}
	}
	return n
}

// The same signed request reaching two replicas (a replay, or a load
// balancer's retry) acts once.
func TestReplicasActOnceOnTheSameSignedRequest(t *testing.T) {
	fake := newFake(t)
	addr := storetest.Database(t)
	one, two := replica(t, fake, addr, httpMode), replica(t, fake, addr, httpMode)
	body := fake.Slash(slacktest.SlashCommand{User: alice, Channel: ops, Text: "reboot demo-fra/fra-101"}).Body()
	first, err := fake.SignedRequest(context.Background(), one.http.URL+slackchat.CommandsPath, body)
	if err != nil {
		t.Fatal(err)
	}
	again, err := fake.SignedRequest(context.Background(), two.http.URL+slackchat.CommandsPath, body)
	if err != nil {
		t.Fatal(err)
	}
	again.Header = first.Header.Clone() // the very same signature
	for _, r := range []*http.Request{first, again} {
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s answered %d %s", r.URL.Host, resp.StatusCode, b)
		}
	}
	// Each handler returned only after starting whatever it acts on.
	one.adapter.Wait()
	two.adapter.Wait()
	if n := executed(t, one.app, alice, "reboot"); n != 1 {
		t.Fatalf("one request sent to two replicas rebooted %d times, want once", n)
	}
}

// Slack redelivers an envelope whose ack it missed on another of the
// app's connections: another replica's. It acts once.
func TestReplicasActOnceOnARedeliveredEnvelope(t *testing.T) {
	fake := newFake(t)
	addr := storetest.Database(t)
	one := replica(t, fake, addr, socketMode)
	id, err := fake.Send(fake.Slash(slacktest.SlashCommand{User: alice, Channel: ops, Text: "reboot demo-fra/fra-101"}).Envelope())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	// The second replica's connection is the newest: Slack's next
	// deliveries go there.
	two := replica(t, fake, addr, socketMode)
	waitFor(t, fake, "both replicas connected", func(st slacktest.State) bool { return st.Live == 2 })
	if err := fake.Redeliver(id, "timeout"); err != nil {
		t.Fatal(err)
	}
	// A replica reads its envelopes in order: once a later one is
	// answered, the redelivery was dealt with.
	later, err := fake.Send(fake.Slash(slacktest.SlashCommand{User: carol, Channel: ops, Text: "whoami"}).Envelope())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitAck(ctx, later); err != nil {
		t.Fatal(err)
	}
	ephemeralWith(t, fake, carol, "slack:T0FAKE:UCAROL")
	one.adapter.Wait()
	two.adapter.Wait()
	if n := executed(t, one.app, alice, "reboot"); n != 1 {
		t.Fatalf("one envelope delivered to two replicas rebooted %d times, want once", n)
	}
}

// unanswered is a delivery store whose database does not answer.
type unanswered struct{}

func (unanswered) Seen(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("check a chat delivery in db: connection refused")
}

// When it cannot be told whether an envelope was acted on before, it is
// not acted on, and the person is told so once.
func TestSocketModeFailsClosedWhenDeliveriesCannotTell(t *testing.T) {
	fake := newFake(t)
	b := startBotWith(t, fake, openApp(t, db(t), 1000), socketMode, unanswered{})
	if _, err := fake.Send(fake.Slash(slacktest.SlashCommand{User: alice, Channel: ops, Text: "reboot demo-fra/fra-101"}).Envelope()); err != nil {
		t.Fatal(err)
	}
	ephemeralWith(t, fake, alice, "not acted on", "try again")
	b.adapter.Wait()
	if n := executed(t, b.app, alice, "reboot"); n != 0 {
		t.Fatalf("rebooted %d times without knowing whether it was delivered before, want never", n)
	}
	if n := len(fake.State().Ephemerals[alice]); n != 1 {
		t.Fatalf("told %d times, want once", n)
	}
}
