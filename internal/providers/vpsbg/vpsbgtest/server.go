// Package vpsbgtest is an HTTP emulator of the VPSBG public API v1 for
// offline tests: a stateful, concurrency-safe httptest.Server seeded with
// the examples of the wire reference (docs/providers/vpsbg.md),
// enforcing Bearer-token auth (Read tokens may only GET), the
// Accept/Content-Type rules and Laravel-style validation errors, paginating
// lists, and simulating asynchrony: power actions and reinstalls lock the
// server and take effect after a configurable number of reads of it.
//
// Faults (statuses, Retry-After, slow and garbage answers) are injected per
// path with Inject, and every request is counted so tests can assert that a
// call was made exactly once.
package vpsbgtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Default credentials of a new Server.
const (
	DefaultWriteToken = "vpsbg-emulator-write-token-5f1c"
	DefaultReadToken  = "vpsbg-emulator-read-token-9a2e"
)

// Server is a running emulator. URL is the API base URL (it ends in /v1,
// like https://api.vpsbg.eu/v1), ready for the driver's BaseURL.
type Server struct {
	URL string
	ts  *httptest.Server

	emulator.Faults
	reqs emulator.Requests

	mu        sync.Mutex
	o         options
	servers   map[int]*server
	images    []image
	snapshots []snapshot
	revoked   map[string]bool
}

// Call is one request the emulator received; its Path is relative to
// URL, e.g. "/servers/2864/status".
type Call = emulator.Request

type options struct {
	writeToken, readToken string
	steps                 int
	maxPerPage            int
}

// Option configures New.
type Option func(*options)

// WithTokens sets the accepted Write and Read tokens ("" disables one).
func WithTokens(write, read string) Option {
	return func(o *options) { o.writeToken, o.readToken = write, read }
}

// WithSteps sets how many reads of a server (GET /servers/{id} or its
// /status) a power action or reinstall takes before it has taken effect;
// 0 applies it before the next read. The default is 2.
func WithSteps(n int) Option { return func(o *options) { o.steps = max(n, 0) } }

// WithMaxPerPage lowers the largest page the list endpoints return (the
// API's own limit is 50), so tests can make a small fleet span pages.
func WithMaxPerPage(n int) Option { return func(o *options) { o.maxPerPage = min(max(n, 1), 50) } }

// New starts an emulator with the seed fleet. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		o:       options{writeToken: DefaultWriteToken, readToken: DefaultReadToken, steps: 2, maxPerPage: 50},
		revoked: map[string]bool{},
	}
	for _, f := range opts {
		f(&s.o)
	}
	s.seed()
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.ts.URL + "/v1"
	return s
}

// Close shuts the emulator down.
func (s *Server) Close() { s.ts.Close() }

// Client returns an HTTP client for the emulator.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Revoke makes token invalid from now on, as revoking it in the client
// area does: every request with it answers 401.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[token] = true
}

// Count returns how many requests with method (any when "") to path
// (relative to URL) the emulator received, faulted ones included.
func (s *Server) Count(method, path string) int { return s.reqs.Count(method, "", path) }

// Calls returns every request received so far, in order.
func (s *Server) Calls() []Call { return s.reqs.Matching("", "", "") }

// serve records the call, applies a matching fault, enforces the headers
// and auth every endpoint shares, then routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, "/v1")
	if !ok || path == "" {
		writeError(w, http.StatusNotFound, "The route "+strings.TrimPrefix(r.URL.Path, "/")+" could not be found.")
		return
	}
	s.reqs.Record(r.Method, r.Host, path, time.Now())
	if f := s.Take(r.Method, r.Host, path); f != nil && f.Serve(w, r, http.StatusInternalServerError, throttled(f), writeError) {
		return
	}
	if !acceptsJSON(r.Header.Get("Accept")) {
		// Laravel without Accept: application/json answers errors as HTML
		// pages; the API marks the header required.
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotAcceptable)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body>Not Acceptable</body></html>"))
		return
	}
	write, ok := s.authenticate(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "Unauthenticated.")
		return
	}
	if r.Method != http.MethodGet && !write {
		writeError(w, http.StatusForbidden, "This action is unauthorized.")
		return
	}
	s.route(w, r, path)
}

// authenticate checks the Bearer token and says whether it may write.
func (s *Server) authenticate(r *http.Request) (write, ok bool) {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found || tok == "" {
		return false, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked[tok] {
		return false, false
	}
	switch tok {
	case s.o.writeToken:
		return true, s.o.writeToken != ""
	case s.o.readToken:
		return false, s.o.readToken != ""
	}
	return false, false
}

// acceptsJSON is Laravel's Request::wantsJson: the first type the client
// accepts names JSON.
func acceptsJSON(accept string) bool {
	first, _, _ := strings.Cut(accept, ",")
	return strings.Contains(first, "/json") || strings.Contains(first, "+json")
}
