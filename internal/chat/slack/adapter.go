package slack

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// Config is what the adapter needs of the configuration.
type Config struct {
	BotToken string // xoxb-...
	// AppToken (xapp-...) selects Socket Mode: no public URL needed.
	AppToken string
	// SigningSecret checks the HTTP endpoints' requests (HTTP mode).
	SigningSecret    string
	ApprovalsChannel string
	// APIURL replaces https://slack.com/api/ (tests, proxies).
	APIURL     string
	HTTPClient *http.Client
	Logger     *slog.Logger
	Clock      func() time.Time
	// Acks, when set, is told of every acknowledgement (metrics).
	Acks chat.AckObserver
	// Deliveries remembers what was acted on, so that a redelivered
	// envelope or a replayed request acts once: the database's
	// (chat.StoredDeliveries) when replicas share the work; nil keeps
	// them in this process.
	Deliveries chat.Deliveries
	// Pages keeps long lists for their Previous/Next buttons: the
	// database's (chat.StoredPages) when replicas share the work, so a
	// press reaching another replica works; nil keeps them in this process.
	Pages chat.Pages
}

// SocketMode reports whether the adapter connects out to Slack (an app
// token is set) rather than serving HTTP endpoints.
func (c Config) SocketMode() bool { return c.AppToken != "" }

// Adapter is the Slack adapter: it turns slash commands and button presses
// (over Socket Mode or signed HTTP requests) into chat.Commands and
// chat.Presses, and lays out replies and approval messages as Block Kit.
// It decides nothing: chat.Conversations and chat.Approvals do.
type Adapter struct {
	cfg    Config
	api    *slack.Client
	http   *http.Client
	runner *commands.Runner
	log    *slog.Logger
	conv   *chat.Conversations
	// delivered remembers the signatures, envelope ids, trigger ids and
	// presses acted on (see keep), so that Slack's redelivery of a slash
	// command or a press, or a replay of a signed request, acts once.
	delivered chat.Deliveries
	relay     *chat.Relay
	verifier  *Verifier
	refusals  *chat.Refusals
}

// callTimeout bounds one Web API call or response_url post.
const callTimeout = 10 * time.Second

// New builds the adapter. It checks the configuration it needs (a bot
// token, and an app token or a signing secret) but makes no call: Start
// does. ctx bounds the work started for requests (see chat.Conversations).
func New(ctx context.Context, runner *commands.Runner, cfg Config) (*Adapter, error) {
	if cfg.BotToken == "" {
		return nil, fault.Errorf(fault.Invalid, "slack: bot token is empty")
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, fault.Errorf(fault.Invalid, "slack: needs an app token (Socket Mode) or a signing secret (HTTP mode)")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: callTimeout}
	}
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	a := &Adapter{
		cfg: cfg, api: slack.New(cfg.BotToken, opts...), http: noRedirects(cfg.HTTPClient), runner: runner,
		log: cfg.Logger.With("platform", "slack"), delivered: cfg.Deliveries,
		refusals: chat.NewRefusals(time.Minute),
	}
	if a.delivered == nil {
		a.delivered = chat.NewReplays(cfg.Clock)
	}
	if cfg.SigningSecret != "" {
		v, err := NewVerifier(cfg.SigningSecret, cfg.Clock, 0)
		if err != nil {
			return nil, err
		}
		a.verifier = v
	}
	a.conv = chat.NewConversations(ctx, runner, chat.Options{
		Source: Source, ReplierFor: a.replierFor, Logger: cfg.Logger, Clock: cfg.Clock, Pages: cfg.Pages,
	})
	a.relay = chat.NewRelay(chat.New(runner, platform{a}, cfg.Logger), a.conv, a.log)
	return a, nil
}

// Source is the adapter's name in requests, audit records and posts.
const Source = "slack"

// Start checks the bot token with auth.test, so a wrong token stops the
// bot at start with one line rather than failing every reply later.
func (a *Adapter) Start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	who, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack: checking the bot token: %w", classify("auth.test", err))
	}
	a.log.Info("slack: bot token accepted", "team", who.TeamID, "bot_user", who.UserID,
		"mode", map[bool]string{true: "socket", false: "http"}[a.cfg.SocketMode()])
	return nil
}

// Notify is the runner watcher's callback: approval messages follow the
// change, and requesters hear how their requests ended. It returns at
// once; Run delivers (see chat.Relay), so Slack's pace never holds up the
// watcher.
func (a *Adapter) Notify(_ context.Context, n commands.Notice) { a.relay.Notify(n) }

// Run keeps the adapter going until ctx ends: notices delivered, failed
// approval-message deliveries retried, and in Socket Mode the connection
// to Slack kept up. It returns when everything it started has stopped.
func (a *Adapter) Run(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.relay.Run(ctx)
	}()
	if a.cfg.SocketMode() {
		a.runSocket(ctx)
	}
	<-done
}

// Wait blocks until every command and press under way has answered.
func (a *Adapter) Wait() { a.conv.Wait() }

// principal is who a signed payload says acted.
func principal(team, user string) (commands.Principal, error) {
	if !slackID(team) || !slackID(user) {
		return "", fault.Errorf(fault.Invalid, "slack request: malformed team or user id")
	}
	return commands.Principal("slack:" + team + ":" + user), nil
}

// slackID reports whether s looks like a Slack id (T0123ABC, U0456DEF):
// upper-case letters and digits. Anything else in an identity field is a
// malformed payload, and never becomes part of a principal.
func slackID(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
