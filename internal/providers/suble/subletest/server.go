// Package subletest is an HTTP emulator of the Suble.io Cloud API v2 for
// tests: the documented paths, the bearer token plus per-endpoint
// Permission header (refused with the documented 403), JWT login and
// refresh, JSON bodies checked as the API would, the {"error": "..."}
// envelope, power actions and rebuilds that take a number of status polls
// to finish, fault injection, and request counters.
//
// Fixtures come from the reference's examples (vm_abc123 "Web Server 01"
// online at 192.121.119.100, vm_def456 "Database Server" offline at
// 192.121.119.101). Answers the reference does not show (messages for a
// missing product, a bad action, a busy server) are the emulator's
// assumptions and are marked so where they are produced.
package subletest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Seed data and credentials of a fresh emulator.
const (
	Project   = "prj_4b7e2d"
	Token     = "sk_suble_test_4f1c9a0e7d3b2a6c" // static bearer token with every permission
	Email     = "ops@example.com"                // user that can log in
	Password  = "Emulator-Password-8c2e1f7a"     // its password
	RunningID = "vm_abc123"                      // "Web Server 01", online
	StoppedID = "vm_def456"                      // "Database Server", offline
	OtherID   = "web_ghi789"                     // a product of another type
	RunningIP = "192.121.119.100"
)

// Permission names the emulator checks.
const (
	PermReadVPS    = "READ_VPS"
	PermVPSControl = "VPS_CONTROL"
	PermConsoleVNC = "CONSOLE_VNC"
	PermVPSDelete  = "VPS_DELETE"
)

// maxRequestBody bounds what the emulator reads of a request.
const maxRequestBody = 1 << 20

// Server is a running emulator. It is safe for concurrent use.
type Server struct {
	// URL is the base URL to configure the driver with.
	URL string
	hs  *httptest.Server

	emulator.Faults
	reqs emulator.Requests

	mu            sync.Mutex
	steps         int
	quiet         bool // a rebuild shows no rebuild word in P/status
	rebuildStarts bool // a rebuild ends with the server running
	project       string
	products      []*product
	grants        map[string]grant // bearer token → what it may do
	refresh       map[string]bool  // valid refresh tokens
	users         map[string]string
	serial        int
}

// grant is what a bearer token may do.
type grant struct {
	perms   map[string]bool // nil: every permission
	session bool            // issued by login/refresh, so ExpireSessions revokes it
}

// Option configures New.
type Option func(*Server)

// WithSteps sets how many status polls of a server an action takes to
// finish (default 2; 0 finishes at once).
func WithSteps(n int) Option { return func(s *Server) { s.steps = max(n, 0) } }

// WithQuietRebuild makes rebuilds show no rebuild word, as the live API
// may: P/status reads "stopped" (the listing "offline") until the rebuild
// ends, then "running" with a fresh uptime when startAfter is true, or
// "stopped" still when it is false. Without this option a rebuild reads
// "installing" (an assumption) and ends running.
func WithQuietRebuild(startAfter bool) Option {
	return func(s *Server) { s.quiet, s.rebuildStarts = true, startAfter }
}

// WithToken adds a static bearer token (a project key) allowed only perms;
// no perms means every permission.
func WithToken(token string, perms ...string) Option {
	return func(s *Server) {
		g := grant{}
		if len(perms) > 0 {
			g.perms = map[string]bool{}
			for _, p := range perms {
				g.perms[p] = true
			}
		}
		s.grants[token] = g
	}
}

// WithProducts adds n extra VPS products (vm_extra_000 ...), stopped.
func WithProducts(n int) Option {
	return func(s *Server) {
		for i := range n {
			s.products = append(s.products, extraProduct(i))
		}
	}
}

// New starts an emulator with the seed fleet, Token and the Email user.
func New(opts ...Option) *Server {
	s := &Server{
		steps:         2,
		rebuildStarts: true,
		project:       Project,
		grants:        map[string]grant{Token: {}},
		refresh:       map[string]bool{},
		users:         map[string]string{Email: Password},
	}
	s.products = seed(time.Now())
	for _, o := range opts {
		o(s)
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.hs.URL
	return s
}

// Close stops the emulator.
func (s *Server) Close() { s.hs.Close() }

// Client returns a client for the emulator (keep-alive, no proxy).
func (s *Server) Client() *http.Client { return s.hs.Client() }

// Count returns how many requests method path received (path without the
// query; method "" counts every method).
func (s *Server) Count(method, path string) int { return s.reqs.Count(method, "", path) }

// Requests returns how many requests the emulator received in all.
func (s *Server) Requests() int { return s.reqs.Count("", "", "") }

// Times returns when method path was requested, in order.
func (s *Server) Times(method, path string) []time.Time {
	return s.reqs.Arrivals(method, "", path)
}

// ExpireSessions revokes every access token issued by login or refresh,
// as their short lifetime would; refresh tokens stay valid.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, g := range s.grants {
		if g.session {
			delete(s.grants, t)
		}
	}
}

// ExpireRefreshTokens revokes every refresh token, forcing a new login.
func (s *Server) ExpireRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
}

// serve counts the request, applies a matching fault and routes the rest.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// Reading the body first lets net/http notice a client that gives up
	// during a fault's Delay (it watches the connection only after the
	// body is consumed).
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.reqs.Record(r.Method, r.Host, r.URL.Path, time.Now())
	f := s.Take(r.Method, r.Host, r.URL.Path)
	setRateHeaders(w)
	if f != nil && serveFault(w, r, f) {
		return
	}
	s.route(w, r)
}
