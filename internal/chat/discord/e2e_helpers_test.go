package discord_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// The helpers of the end-to-end tests that need more than openApp and
// startHTTPBot: a database shared by several processes, the gateway, and
// a clock the test moves.

// testClock is the time of the fake and the adapter: the real one, moved
// forward on demand, so that a test crosses Discord's 15 minutes without
// waiting for them.
type testClock struct {
	mu    sync.Mutex
	ahead time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.ahead)
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.ahead += d
	c.mu.Unlock()
}

// stillClock is a clock that moves only when the test moves it: the
// app's, to hold a demo operation mid-way for as long as a test needs.
type stillClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stillClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stillClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newFakeAt is newFake living on clock.
func newFakeAt(t testing.TB, clock *testClock) *discordtest.Server {
	t.Helper()
	fake := discordtest.New(discordtest.Options{GuildID: guild, Channels: []string{opsChan, approvals}, Clock: clock.Now})
	t.Cleanup(fake.Close)
	return fake
}

func dbPath(t testing.TB) string { return filepath.Join(t.TempDir(), "vpsops.db") }

// openAppAt opens the real wiring on the database file db, the demo fleet
// at speed (1000: instant), with the guild's people in the policy (and an
// AI assistant that may operate the demo fleet).
func openAppAt(t testing.TB, db string, speed float64, change ...func(*config.Config)) *app.App {
	t.Helper()
	return openAppOn(t, db, speed, app.Options{}, change...)
}

// openAppOn is openAppAt with the app's options (its clock).
func openAppOn(t testing.TB, db string, speed float64, o app.Options, change ...func(*config.Config)) *app.App {
	t.Helper()
	path := filepath.Join(filepath.Dir(db), "policy.csv")
	extra := fmt.Sprintf("\ng, discord:%s, demo-owner\ng, discord:%s, demo-owner\ng, discord:%s, approver\ng, discord:%s, viewer\ng, mcp:ops-agent, demo-owner\n",
		alice, bob, bob, carol)
	if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Database = db
	cfg.Demo.Speed = speed
	cfg.Policy.Policy = path
	for _, c := range change {
		c(cfg)
	}
	a, err := app.Open(context.Background(), cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startBot starts one bot process on a: over HTTP (the fake's public key)
// or, with gateway, over the gateway (no public key), its clock the
// fake's.
func startBot(t testing.TB, fake *discordtest.Server, a *app.App, clock *testClock, gateway bool, change ...func(*discordchat.Config)) *bot {
	t.Helper()
	return startBotWith(t, fake, a, clock, gateway, nil, change...)
}

// startBotWith is startBot remembering deliveries in d (nil: in the
// process).
func startBotWith(t testing.TB, fake *discordtest.Server, a *app.App, clock *testClock, gateway bool, d chat.Deliveries, change ...func(*discordchat.Config)) *bot {
	t.Helper()
	o := fake.Options()
	cfg := discordchat.Config{Token: o.BotToken, AppID: o.ApplicationID, GuildID: guild,
		ApprovalsChannel: approvals, APIURL: fake.URL(), Logger: testLogger(t), Clock: clock.Now, Deliveries: d}
	if !gateway {
		cfg.PublicKey = fake.PublicKeyHex()
	}
	for _, c := range change {
		c(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ad, err := discordchat.New(ctx, a.Runner, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ad.Start(ctx); err != nil {
		t.Fatal(err)
	}
	b := &bot{app: a, ad: ad}
	if !gateway {
		mux := http.NewServeMux()
		if err := ad.Routes(mux, nil); err != nil {
			t.Fatal(err)
		}
		b.http = httptest.NewServer(mux)
	}
	done := make(chan struct{}, 2)
	go func() {
		a.Runner.Watch(ctx, 10*time.Millisecond, time.Second, func(n commands.Notice) { ad.Notify(ctx, n) })
		done <- struct{}{}
	}()
	go func() { ad.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() {
		if b.http != nil {
			b.http.Close()
		}
		cancel()
		<-done
		<-done
		ad.Wait()
		a.Close()
	})
	return b
}

// deliver sends i from user the way the bot takes interactions: signed to
// its endpoint, or as an INTERACTION_CREATE on the gateway. Where it
// happens defaults to the guild's #ops.
func (b *bot) deliver(t testing.TB, fake *discordtest.Server, user string, i discordtest.Interaction) discordtest.Interaction {
	t.Helper()
	i.UserID = user
	if i.ChannelID == "" {
		i.ChannelID = opsChan
	}
	if !i.DM && i.GuildID == "" {
		i.GuildID = guild
	}
	if b.http == nil {
		sent, err := fake.SendInteraction(i)
		if err != nil {
			t.Fatal(err)
		}
		return sent
	}
	sent, status, body, err := fake.PostInteraction(context.Background(), b.http.URL+discordchat.InteractionsPath, i)
	if err != nil || status != http.StatusOK {
		t.Fatalf("interaction: %d %s %v", status, body, err)
	}
	return sent
}

// waitFor waits until cond holds in the fake's state. The deadline bounds
// a hang; it measures nothing.
func waitFor(t testing.TB, fake *discordtest.Server, what string, cond func(discordtest.State) bool) discordtest.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := fake.Wait(ctx, cond)
	if err != nil {
		t.Fatalf("gave up waiting: %s", what)
	}
	return st
}

// shows is what a version of a message shows, as a person reads it.
func shows(v discordtest.Version) string {
	return v.Content + unJSON(string(v.Embeds)) + unJSON(string(v.Components))
}

// unJSON undoes the HTML-safe escapes encoding/json puts in raw embeds,
// so that a test looks for "<@1001>" as Discord would read it.
func unJSON(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

// channelMessage waits for a message of channel whose latest version
// holds every word, and returns it.
func channelMessage(t testing.TB, fake *discordtest.Server, channel string, words ...string) discordtest.Message {
	t.Helper()
	var got discordtest.Message
	waitFor(t, fake, fmt.Sprintf("a message in %s with %q", channel, words), func(st discordtest.State) bool {
		for _, m := range st.Messages[channel] {
			if !m.Deleted && holdsAll(shows(m.Now()), words) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// approvalFor waits for the approval message of request id.
func approvalFor(t testing.TB, fake *discordtest.Server, id string) discordtest.Message {
	t.Helper()
	return channelMessage(t, fake, approvals, "vps:approve:"+id)
}

// confirmed asks for a destructive command as alice, confirms it and
// returns the request's id and its approval message.
func confirmed(t *testing.T, b *bot, fake *discordtest.Server, sub string, server string) (string, discordtest.Message) {
	t.Helper()
	ask := b.deliver(t, fake, alice, discordtest.Command("vps", discordtest.SubCommand(sub, discordtest.String("server", server))))
	prompt := answered(t, fake, ask.ID, "vps:confirm:", server)
	id := requestIDIn(t, prompt)
	b.deliver(t, fake, alice, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	return id, approvalFor(t, fake, id)
}

// stages counts id's audit records of stage.
func stages(t testing.TB, a *app.App, id string, stage audit.Stage) int {
	t.Helper()
	return counted(t, a, audit.Filter{ApprovalID: id}, stage)
}

// counted counts the audit records f selects that are of stage.
func counted(t testing.TB, a *app.App, f audit.Filter, stage audit.Stage) int {
	t.Helper()
	recs, err := a.Audit.Query(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Stage == stage {
			n++
		}
	}
	return n
}

// testLogger logs to the test's output (shown on failure, or with -v).
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
