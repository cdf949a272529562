// Package glesystest is an HTTP emulator of the GleSYS API
// (https://api.glesys.com) for offline tests of the glesys driver and of
// anything built on it. It speaks the real wire protocol as documented in
// docs/providers/glesys.md: functions at /{module}/{function},
// HTTP Basic auth with the project key and API key, arguments as a JSON
// body, a form body or query parameters, JSON answers only when the client
// sends Accept: application/json (XML otherwise, like the real API), and
// every answer wrapped in the response.status envelope whose code mirrors
// the HTTP status.
//
// The emulator is stateful and safe for concurrent use: power actions lock
// a server for a configurable number of server/details polls (or a
// duration) before the new state shows, destroy releases addresses, PTRs
// and mounted ISOs stick. Faults can be injected per path, and requests
// are counted per path so tests can assert "exactly one call".
package glesystest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Server is a running emulator. Its zero value is not usable; call New.
type Server struct {
	// URL is the base URL to point a driver at (no trailing slash).
	URL string

	hs    *httptest.Server
	polls int
	delay time.Duration
	now   func() time.Time

	emulator.Faults
	reqs emulator.Requests

	mu      sync.Mutex
	project string
	apiKey  string
	servers map[string]*vm
	order   []string // server ids in creation order, for server/list
	ips     map[string]*ipRecord
}

// Option configures New.
type Option func(*Server)

// WithCredentials sets the project key and API key the emulator accepts
// (default Project and APIKey).
func WithCredentials(project, apiKey string) Option {
	return func(s *Server) { s.project, s.apiKey = project, apiKey }
}

// WithTransitionPolls sets at which server/details read of a server after
// a power action the action completes (default 2, so the first read shows
// the server locked; n <= 1 completes it at the first read).
func WithTransitionPolls(n int) Option {
	return func(s *Server) { s.polls = max(n, 0) }
}

// WithTransitionTime additionally keeps a server locked for at least d
// after a power action (default 0: polls alone decide).
func WithTransitionTime(d time.Duration) Option {
	return func(s *Server) { s.delay = d }
}

// WithClock sets the time source for transitions and timestamps.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// New starts an emulator on 127.0.0.1 seeded with the fixtures (see
// seed.go). Close it when done, e.g. with t.Cleanup(srv.Close).
func New(opts ...Option) *Server {
	s := &Server{
		project: Project,
		apiKey:  APIKey,
		polls:   2,
		now:     time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	s.seed()
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.hs.URL
	return s
}

// Close shuts the emulator down, waiting for requests in flight.
func (s *Server) Close() { s.hs.Close() }

// Client returns an HTTP client for the emulator (keep-alive enabled).
func (s *Server) Client() *http.Client { return s.hs.Client() }

// SetAPIKey replaces the accepted API key, so that a driver holding the
// old one sees what an expired or revoked key gets: 401.
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	s.apiKey = key
	s.mu.Unlock()
}

// Count returns how many requests reached path (e.g. "/server/stop"),
// faulted ones and rejected ones included.
func (s *Server) Count(path string) int { return s.reqs.Count("", "", path) }

// Arrivals returns when each request to path arrived, in order.
func (s *Server) Arrivals(path string) []time.Time { return s.reqs.Arrivals("", "", path) }

// serveHTTP is the request pipeline: count, faults, encoding, auth,
// arguments, then the function's handler.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// Read the body up front: only then does net/http watch the
	// connection, so a client that gives up during an injected delay
	// cancels r.Context() instead of leaving the handler waiting.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.write(w, true, fail(http.StatusRequestEntityTooLarge, "Request body too large"), nil)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.reqs.Record(r.Method, r.Host, r.URL.Path, s.now())
	f := s.Take(r.Method, r.Host, r.URL.Path)

	asJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	if f != nil && serveFault(w, r, f, asJSON, s.now()) {
		return
	}
	if !s.authorized(r) {
		s.write(w, asJSON, reply{code: http.StatusUnauthorized, text: "Unauthorized: invalid project key or API key"}, nil)
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		s.write(w, asJSON, reply{code: http.StatusMethodNotAllowed, text: "Method not allowed"}, nil)
		return
	}
	in, rep := readArgs(r)
	if rep.code != 0 {
		s.write(w, asJSON, rep, in)
		return
	}
	h, ok := handlers[strings.Trim(r.URL.Path, "/")]
	if !ok {
		s.write(w, asJSON, reply{code: http.StatusNotFound, text: "Unknown function " + strings.Trim(r.URL.Path, "/")}, in)
		return
	}
	s.mu.Lock()
	rep = h(s, in)
	s.mu.Unlock()
	s.write(w, asJSON, rep, in)
}

// authorized checks HTTP Basic auth against the project and key.
func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok && user == s.project && pass == s.apiKey
}
