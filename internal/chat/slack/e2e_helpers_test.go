package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat"
	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// The workspace of the end-to-end tests: alice operates the demo fleet,
// bob also approves, carol only reads. They type in #ops; approval
// requests go to #approvals.
const (
	team      = "T0FAKE"
	alice     = "UALICE"
	bob       = "UBOB"
	carol     = "UCAROL"
	ops       = "C0OPS"
	approvals = "C0APPROVALS"
)

func principal(user string) commands.Principal {
	return commands.Principal("slack:" + team + ":" + user)
}

// testPolicy is the default policy plus the workspace's people.
func testPolicy(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "policy.csv")
	extra := fmt.Sprintf("\ng, %s, demo-owner\ng, %s, demo-owner\ng, %s, approver\ng, %s, viewer\ng, mcp:ops-agent, demo-owner\ng, slack:T0FAKE:UV*, viewer\n",
		principal(alice), principal(bob), principal(bob), principal(carol))
	if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func newFake(t testing.TB) *slacktest.Server {
	t.Helper()
	fake := slacktest.New(slacktest.Options{TeamID: team,
		Channels: map[string]string{ops: "ops", approvals: "approvals"}})
	t.Cleanup(fake.Close)
	return fake
}

// openApp opens the real wiring on the database file db, with the demo
// fleet at speed (1000: instant).
func openApp(t testing.TB, db string, speed float64, change ...func(*config.Config)) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.Database = db
	cfg.Demo.Speed = speed
	for _, c := range change {
		c(cfg)
	}
	cfg.Policy.Policy = testPolicy(t, filepath.Dir(db))
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// bot is one bot process serving the fake workspace: the adapter, its
// HTTP endpoints (HTTP mode) or its Socket Mode connection, and the
// runner's watcher feeding it notices.
type bot struct {
	app     *app.App
	adapter *slackchat.Adapter
	http    *httptest.Server // HTTP mode only
}

type mode int

const (
	httpMode mode = iota
	socketMode
)

func startBot(t testing.TB, fake *slacktest.Server, a *app.App, m mode, change ...func(*slackchat.Config)) *bot {
	t.Helper()
	return startBotWith(t, fake, a, m, nil, change...)
}

// startBotWith is startBot remembering deliveries in d (nil: in the
// process).
func startBotWith(t testing.TB, fake *slacktest.Server, a *app.App, m mode, d chat.Deliveries, change ...func(*slackchat.Config)) *bot {
	t.Helper()
	o := fake.Options()
	cfg := slackchat.Config{BotToken: o.BotToken, ApprovalsChannel: approvals, APIURL: fake.APIURL(), Logger: testLogger(t),
		Deliveries: d}
	if m == socketMode {
		cfg.AppToken = o.AppToken
	} else {
		cfg.SigningSecret = o.SigningSecret
	}
	for _, c := range change {
		c(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ad, err := slackchat.New(ctx, a.Runner, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ad.Start(ctx); err != nil {
		t.Fatal(err)
	}
	b := &bot{app: a, adapter: ad}
	if m == httpMode {
		mux := http.NewServeMux()
		if err := ad.Routes(mux); err != nil {
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
	if m == socketMode {
		waitFor(t, fake, "the bot connects over Socket Mode", func(st slacktest.State) bool { return st.Live > 0 })
	}
	return b
}

// waitFor waits until cond holds in the fake's state. The deadline bounds
// a hang; it measures nothing.
func waitFor(t testing.TB, fake *slacktest.Server, what string, cond func(slacktest.State) bool) slacktest.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := fake.Wait(ctx, cond)
	if err != nil {
		t.Fatalf("gave up waiting: %s", what)
	}
	return st
}

// slash sends "/vps text" from user in #ops, signed, and checks Slack
// was answered 200 at once.
func (b *bot) slash(t testing.TB, fake *slacktest.Server, user, text string) slacktest.SlashCommand {
	t.Helper()
	c := fake.Slash(slacktest.SlashCommand{User: user, Channel: ops, Text: text})
	status, body, err := fake.PostSigned(context.Background(), b.http.URL+slackchat.CommandsPath, c.Body())
	if err != nil || status != http.StatusOK {
		t.Fatalf("/vps %s: %d %s %v", text, status, body, err)
	}
	return c
}

// press presses the button actionID on message ts (an ephemeral of user,
// or a message of channel) as Slack would send it, signed.
func (b *bot) press(t testing.TB, fake *slacktest.Server, user, channel, ts, actionID string) int {
	t.Helper()
	act, err := fake.Press(user, channel, ts, actionID)
	if err != nil {
		t.Fatal(err)
	}
	status, body, err := fake.PostSigned(context.Background(), b.http.URL+slackchat.InteractionsPath, act.Body())
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK {
		t.Fatalf("press %s: %d %s", actionID, status, body)
	}
	return status
}

// ephemeralWith waits for an ephemeral of user whose latest version holds
// all of words, and returns it.
func ephemeralWith(t testing.TB, fake *slacktest.Server, user string, words ...string) slacktest.Ephemeral {
	t.Helper()
	var got slacktest.Ephemeral
	waitFor(t, fake, fmt.Sprintf("an ephemeral for %s with %q", user, words), func(st slacktest.State) bool {
		for _, e := range st.Ephemerals[user] {
			if !e.Deleted && holds(e.Text()+unJSON(e.Blocks()), words) {
				got = e
				return true
			}
		}
		return false
	})
	return got
}

// messageWith waits for a message of channel whose latest version holds
// all of words, and returns it.
func messageWith(t testing.TB, fake *slacktest.Server, channel string, words ...string) slacktest.Message {
	t.Helper()
	var got slacktest.Message
	waitFor(t, fake, fmt.Sprintf("a message in %s with %q", channel, words), func(st slacktest.State) bool {
		for _, m := range st.Messages[channel] {
			if !m.Deleted && holds(m.Text()+unJSON(m.Blocks()), words) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// unJSON undoes the HTML-safe escapes encoding/json puts in blocks, so
// that a test looks for "<@U1>" as Slack would read it.
func unJSON(b []byte) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

func holds(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// requestID is the request id a message's buttons carry.
func requestID(t testing.TB, blocks json.RawMessage) string {
	t.Helper()
	var bs []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if strings.HasPrefix(e.Value, "r-") {
				return e.Value
			}
		}
	}
	t.Fatalf("no request button in %s", blocks)
	return ""
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

func auditFilter(principal string) audit.Filter { return audit.Filter{Principal: principal} }
