package slacktest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Options describe the workspace the fake plays. Every field has a default,
// so Options{} is a working workspace with channel C0APPROVALS.
type Options struct {
	BotToken      string // xoxb-...: chat.*, views.*, files.*, auth.test
	AppToken      string // xapp-...: apps.connections.open
	SigningSecret string // signs what Slack sends the bot (PostSigned)
	TeamID        string
	TeamDomain    string
	AppID         string
	BotUserID     string // the bot's user id, as auth.test reports it
	BotID         string
	// Channels are the channels that exist (id → name); posting anywhere
	// else is channel_not_found.
	Channels map[string]string
	// Clock is the time the fake lives in: message timestamps, the age
	// of response_urls and trigger ids, request signatures. Tests move it
	// to expire a response_url without waiting 30 minutes.
	Clock func() time.Time
	// PingInterval is how often the fake pings each Socket Mode
	// connection. slack-go drops a connection that is not pinged within
	// its own interval (30 s by default), as Slack pings every few seconds.
	PingInterval time.Duration
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.BotToken, "xoxb-fake-bot-token")
	def(&o.AppToken, "xapp-fake-app-token")
	def(&o.SigningSecret, "fake-signing-secret")
	def(&o.TeamID, "T0FAKE")
	def(&o.TeamDomain, "fake-team")
	def(&o.AppID, "A0FAKE")
	def(&o.BotUserID, "U0BOT")
	def(&o.BotID, "B0BOT")
	if o.Channels == nil {
		o.Channels = map[string]string{"C0APPROVALS": "approvals"}
	}
	o.Channels = maps.Clone(o.Channels) // the caller's map stays the caller's
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 5 * time.Second
	}
	return o
}

// Server is a fake Slack: the Web API, response_urls, Socket Mode and the
// requests Slack signs and sends to a bot. All its state sits behind mu;
// every change closes changed, which is what Wait sleeps on.
type Server struct {
	opts   Options
	srv    *httptest.Server
	closed chan struct{}

	mu      sync.Mutex
	changed chan struct{}
	st      state
	seq     int64
	faults  map[string][]Fault
	tickets map[string]bool // Socket Mode tickets handed out and not yet used
	conns   map[*socketConn]bool
	wsWG    sync.WaitGroup
}

// New starts a fake Slack on 127.0.0.1. Close it when done.
func New(opts Options) *Server {
	s := &Server{
		opts:    opts.withDefaults(),
		closed:  make(chan struct{}),
		changed: make(chan struct{}),
		st:      newState(),
		faults:  map[string][]Fault{},
		tickets: map[string]bool{},
		conns:   map[*socketConn]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/upload/", s.serveUpload)
	mux.HandleFunc("/commands/", s.serveResponseURL)
	mux.HandleFunc("/actions/", s.serveResponseURL)
	mux.HandleFunc("/link/", s.serveSocket)
	s.srv = httptest.NewServer(mux)
	return s
}

// Close drops every Socket Mode connection and stops the server.
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

// APIURL is what the client is given with slack.OptionAPIURL: the Web API
// base with the trailing slash slack-go appends method names to.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// Options returns the options in force, defaults filled in.
func (s *Server) Options() Options {
	o := s.opts
	o.Channels = maps.Clone(o.Channels)
	return o
}

// socketURL is the ws:// address of the Socket Mode endpoint.
func (s *Server) socketURL() string {
	return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link/"
}

// changedLocked wakes every Wait. Call with mu held after a change.
func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
