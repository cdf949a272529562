package discordtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options describe the application and guild the fake plays. Every field
// has a default, so Options{} is a working bot in guild G with channel
// 100000000000000001.
type Options struct {
	BotToken      string // without "Bot ": REST calls carry "Authorization: Bot <token>"
	ApplicationID string // also the bot user's id, as for any app made since 2019
	BotUserName   string
	GuildID       string
	// Channels are the ids of the channels that exist; posting anywhere
	// else is 404 Unknown Channel (10003).
	Channels []string
	// PrivateKey signs what Discord sends the app (PostSigned); one is
	// generated when it is nil. PublicKeyHex is what discord.public_key is
	// set to.
	PrivateKey ed25519.PrivateKey
	// Clock is the time the fake lives in: the 3-second and 15-minute
	// windows of interactions, message timestamps, ids, signatures. Tests
	// move it instead of waiting.
	Clock func() time.Time
	// HeartbeatInterval is what HELLO asks the gateway client for.
	// Discord asks for about 41 s; tests that count heartbeats set a few
	// milliseconds.
	HeartbeatInterval time.Duration
	// PrivilegedIntents are the privileged gateway intents the app is
	// allowed (GUILD_MEMBERS 1<<1, GUILD_PRESENCES 1<<8, MESSAGE_CONTENT
	// 1<<15); an IDENTIFY asking for another is closed with 4014.
	PrivilegedIntents int
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.BotToken, "fake-bot-token")
	def(&o.ApplicationID, "100000000000000100")
	def(&o.BotUserName, "vpsops")
	def(&o.GuildID, "100000000000000200")
	if o.Channels == nil {
		o.Channels = []string{"100000000000000001"}
	}
	o.Channels = slices.Clone(o.Channels) // the caller's slice stays the caller's
	if o.PrivateKey == nil {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic("discordtest: generating a key: " + err.Error())
		}
		o.PrivateKey = key
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 41250 * time.Millisecond
	}
	return o
}

// Server is a fake Discord: the REST routes an interactions bot uses, the
// gateway, and the interactions Discord signs and sends to an app. All its
// state sits behind mu; every change closes changed, which Wait sleeps on.
type Server struct {
	opts   Options
	srv    *httptest.Server
	closed chan struct{}

	mu       sync.Mutex
	changed  chan struct{}
	st       state
	seq      int64
	faults   map[string][]Fault
	sessions map[string]*session // gateway sessions by session_id
	conns    map[*gatewayConn]bool
	wsWG     sync.WaitGroup
}

// New starts a fake Discord on 127.0.0.1. Close it when done.
func New(opts Options) *Server {
	s := &Server{
		opts:     opts.withDefaults(),
		closed:   make(chan struct{}),
		changed:  make(chan struct{}),
		st:       newState(),
		faults:   map[string][]Fault{},
		sessions: map[string]*session{},
		conns:    map[*gatewayConn]bool{},
	}
	s.srv = httptest.NewServer(s.routes())
	return s
}

// Close drops every gateway connection and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return
	default:
	}
	close(s.closed)
	s.mu.Unlock()
	s.Drop()
	s.srv.Close()
	s.wsWG.Wait()
}

// URL is the server's base, "http://127.0.0.1:port".
func (s *Server) URL() string { return s.srv.URL }

// APIURL is the REST base, as discordgo's EndpointAPI names Discord's:
// "http://127.0.0.1:port/api/v9/".
func (s *Server) APIURL() string { return s.srv.URL + apiPrefix + "/" }

// GatewayURL is the ws:// address GET /gateway hands out.
func (s *Server) GatewayURL() string {
	return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gateway"
}

// Options returns the options in force, defaults filled in.
func (s *Server) Options() Options {
	o := s.opts
	o.Channels = slices.Clone(o.Channels)
	return o
}

// PublicKey is the application's public key, which verifies what the fake
// signs.
func (s *Server) PublicKey() ed25519.PublicKey {
	return s.opts.PrivateKey.Public().(ed25519.PublicKey)
}

// PublicKeyHex is the public key as the developer portal shows it, the
// value of discord.public_key.
func (s *Server) PublicKeyHex() string { return hex.EncodeToString(s.PublicKey()) }

// changedLocked wakes every Wait. Call with mu held after a change.
func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// knownChannel reports whether channel id exists: one of the guild's, or
// a direct message channel the bot opened. Call with mu held.
func (s *Server) knownChannel(id string) bool {
	return slices.Contains(s.opts.Channels, id) || s.dmChannelLocked(id)
}

// httpClient is what PostSigned sends with.
var httpClient = &http.Client{Timeout: 30 * time.Second}
