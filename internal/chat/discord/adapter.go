package discord

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// Source is the adapter's name in requests, audit records and posts.
const Source = "discord"

// Config is what the adapter needs of the configuration.
type Config struct {
	Token   string // the bot token
	AppID   string
	GuildID string // commands registered in this guild (at once); "" for global
	// PublicKey (hex Ed25519) selects the HTTP interactions endpoint
	// instead of the gateway.
	PublicKey string
	// Duties, when set, makes the gateway connection a duty (GatewayDuty)
	// of the replicas sharing the database: only the one holding it
	// connects, and another connects when it moves. Nil connects at Start,
	// for a process alone on its database. Unused in HTTP mode.
	Duties           Duties
	ApprovalsChannel string
	// APIURL replaces https://discord.com (tests, proxies): every REST
	// call goes to its scheme and host, with Discord's paths.
	APIURL string
	Logger *slog.Logger
	Clock  func() time.Time
	// Acks, when set, is told of every interaction answered (metrics).
	Acks chat.AckObserver
	// Deliveries remembers the interactions acted on: the database's
	// (chat.StoredDeliveries) when replicas share the work; nil keeps
	// them in this process.
	Deliveries chat.Deliveries
	// Pages keeps long lists for their page buttons: the database's
	// (chat.StoredPages) when replicas share the work; nil keeps them in
	// this process.
	Pages chat.Pages
}

// HTTPMode reports whether interactions arrive at the HTTP endpoint
// (a public key is set) rather than over the gateway.
func (c Config) HTTPMode() bool { return c.PublicKey != "" }

// Adapter is the Discord adapter: it turns interactions (from the
// gateway or the signed HTTP endpoint) into chat.Commands and
// chat.Presses, answers within Discord's 3 seconds with a deferred
// response, and lays out replies and approval messages as embeds. It
// decides nothing: chat.Conversations and chat.Approvals do.
type Adapter struct {
	cfg    Config
	s      *discordgo.Session
	runner *commands.Runner
	log    *slog.Logger
	conv   *chat.Conversations
	relay  *chat.Relay
	// seen remembers interaction ids acted on: Discord may deliver one
	// twice (an HTTP retry, a gateway resume, each replica's gateway
	// session), and it must act once.
	seen     chat.Deliveries
	verifier *Verifier
	refusals *chat.Refusals // what was refused, recorded once a minute

	// gateway is the connection Start made when no duty elects it.
	gateway *discordgo.Session
}

// callTimeout bounds one REST call.
const callTimeout = 10 * time.Second

// New builds the adapter; Start talks to Discord.
func New(ctx context.Context, runner *commands.Runner, cfg Config) (*Adapter, error) {
	if cfg.Token == "" || cfg.AppID == "" {
		return nil, fault.Errorf(fault.Invalid, "discord: token and app_id are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, fault.Errorf(fault.Invalid, "discord: %v", err)
	}
	s.Client = &http.Client{Timeout: callTimeout}
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || u.Host == "" {
			return nil, fault.Errorf(fault.Invalid, "discord: api_url is not a URL")
		}
		s.Client.Transport = rehost{to: u, next: http.DefaultTransport}
	}
	s.Identify.Intents = discordgo.IntentsGuilds // interactions need no privileged intent
	s.ShouldReconnectOnError = true
	s.MaxRestRetries = 2
	a := &Adapter{cfg: cfg, s: s, runner: runner, log: cfg.Logger.With("platform", Source),
		seen:     cfg.Deliveries,
		refusals: chat.NewRefusals(time.Minute)}
	if a.seen == nil {
		a.seen = chat.NewReplays(cfg.Clock)
	}
	if cfg.HTTPMode() {
		if a.verifier, err = NewVerifier(cfg.PublicKey, cfg.Clock, 0); err != nil {
			return nil, err
		}
	}
	a.conv = chat.NewConversations(ctx, runner, chat.Options{Source: Source, ReplierFor: a.replierFor,
		Logger: cfg.Logger, Clock: cfg.Clock, Pages: cfg.Pages})
	a.relay = chat.NewRelay(chat.New(runner, platform{a}, cfg.Logger), a.conv, a.log)
	return a, nil
}

// Start registers /vps (only when it changed) and, in gateway mode,
// connects, unless the gateway is a duty (Config.Duties) that Run
// campaigns for; a wrong token stops the start with one line.
func (a *Adapter) Start(ctx context.Context) error {
	if err := a.register(); err != nil {
		return err
	}
	if a.cfg.HTTPMode() {
		return nil
	}
	if a.cfg.Duties != nil {
		return nil // Run campaigns for the gateway duty
	}
	g, err := a.connectGateway()
	if err != nil {
		return err
	}
	a.gateway = g
	return nil
}

// Notify is the runner watcher's callback; it returns at once (see
// chat.Relay).
func (a *Adapter) Notify(_ context.Context, n commands.Notice) { a.relay.Notify(n) }

// Run delivers notices, retries failed approval messages and, when the
// gateway is a duty, holds the gateway connection while this replica
// holds the duty, until ctx ends; then it closes the gateway connection.
func (a *Adapter) Run(ctx context.Context) {
	elected := make(chan struct{})
	if a.cfg.Duties != nil && !a.cfg.HTTPMode() {
		go func() {
			defer close(elected)
			a.cfg.Duties.Run(ctx, GatewayDuty, a.holdGateway)
		}()
	} else {
		close(elected)
	}
	a.relay.Run(ctx)
	<-elected
	if a.gateway != nil {
		_ = a.gateway.Close()
	}
}

// Wait blocks until every command and press under way has answered.
func (a *Adapter) Wait() { a.conv.Wait() }

// rehost sends every request to one scheme and host, keeping Discord's
// paths: discordgo builds its URLs from package variables, so this is how
// one session talks to a proxy or a fake without changing them for all.
type rehost struct {
	to   *url.URL
	next http.RoundTripper
}

func (r rehost) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.to.Scheme, r.to.Host, r.to.Host
	return r.next.RoundTrip(out)
}
