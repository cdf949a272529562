// Package cyberpaneltest is an HTTP emulator of the CyberPanel Cloud
// Platform API v1 (platform.cyberpersons.com/api/v1), for tests of the
// cyberpanel driver and of anything built on it. It is stateful and safe
// for concurrent use, seeded with the reference documentation's examples
// (VPS 45 "my-server.example.com", VMID 281, 74.81.40.145), and it enforces
// what the real API enforces as far as it is documented: the Bearer key and
// its scopes, the {success, data, error, error_code, message} envelope,
// JSON request bodies, and the per-key rate limits (60/min, 1000/h) with
// X-RateLimit-* and Retry-After headers.
//
// Power actions take a configurable number of reads before the state
// changes, deployments advance one task per progress read, and faults
// (status, body, Retry-After, delay) can be injected per path.
package cyberpaneltest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// BasePath is the path prefix of every API endpoint; the driver's BaseURL
// is URL + BasePath.
const BasePath = "/api/v1"

// APIKey is the key the emulator accepts unless WithAPIKey says otherwise:
// the documented form "cyp_live_" + 64 hex digits, with the documented
// example prefix "cyp_live_3ac".
const APIKey = "cyp_live_3ac4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c"

// Documented default rate limits per key.
const (
	DefaultPerMinute = 60
	DefaultPerHour   = 1000
)

// KeyState is the state of the emulated API key.
type KeyState int

const (
	KeyValid    KeyState = iota
	KeyExpired           // answers 401 EXPIRED_API_KEY
	KeyInactive          // answers 401 INACTIVE_API_KEY
)

// Server is a running emulator. Close it when done.
type Server struct {
	// URL is the root of the emulator, e.g. http://127.0.0.1:40000.
	URL string
	// BaseURL is URL + BasePath, what the driver's Config.BaseURL takes.
	BaseURL string

	srv *httptest.Server
	now func() time.Time

	emulator.Faults
	reqs emulator.Requests

	mu         sync.Mutex
	key        string
	keyState   KeyState
	scopes     []string
	powerPolls int
	vps        map[int]*vps
	order      []int
	limit      rateLimit
	limited    int // 429s issued by the rate limiter (not by faults)
}

// Request is one request the emulator received, at its clock's time;
// its Path is relative to BasePath.
type Request = emulator.Request

// Option configures New.
type Option func(*Server)

// WithAPIKey sets the accepted key.
func WithAPIKey(key string) Option { return func(s *Server) { s.key = key } }

// WithScopes sets the key's scopes (default vps:read, vps:write, vps:delete).
func WithScopes(scopes ...string) Option {
	return func(s *Server) { s.scopes = slices.Clone(scopes) }
}

// WithClock sets the time source used for rate-limit windows, timestamps
// and Retry-After (default time.Now). Injected fault delays are real time.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithRateLimits sets the per-key limits (default 60/min and 1000/h).
// Zero or negative disables that limit.
func WithRateLimits(perMinute, perHour int) Option {
	return func(s *Server) { s.limit.perMinute, s.limit.perHour = perMinute, perHour }
}

// WithPowerPolls sets how many reads of a VPS (details or status) still
// show its old state after a start, stop or restart (default 2).
func WithPowerPolls(n int) Option { return func(s *Server) { s.powerPolls = max(n, 0) } }

// WithExtraServers adds n generated running servers (ids from 1000), e.g.
// to exercise pagination past the 100-per-page maximum.
func WithExtraServers(n int) Option { return func(s *Server) { s.addGenerated(n) } }

// New starts an emulator on 127.0.0.1.
func New(opts ...Option) *Server {
	s := &Server{
		now:        time.Now,
		key:        APIKey,
		scopes:     []string{"vps:read", "vps:write", "vps:delete"},
		powerPolls: 2,
		vps:        map[int]*vps{},
		limit:      rateLimit{perMinute: DefaultPerMinute, perHour: DefaultPerHour},
	}
	s.seed(time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC))
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(s.handler())
	s.URL = s.srv.URL
	s.BaseURL = s.srv.URL + BasePath
	return s
}

// Close shuts the emulator down.
func (s *Server) Close() { s.srv.Close() }

// Client returns an HTTP client for the emulator.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// SetKeyState makes the key valid, expired or inactive.
func (s *Server) SetKeyState(k KeyState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyState = k
}

// SetScopes replaces the key's scopes.
func (s *Server) SetScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes = slices.Clone(scopes)
}

// Requests counts the requests received for method and path (relative to
// BasePath, e.g. "/vps/45/stop"), faulted and refused ones included.
func (s *Server) Requests(method, path string) int { return s.reqs.Count(method, "", path) }

// Log returns every request received so far, in arrival order.
func (s *Server) Log() []Request { return s.reqs.Matching("", "", "") }

// RateLimited counts the 429 answers the rate limiter gave (injected
// faults are not counted).
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Status returns the stored status word of VPS id ("" if unknown) without
// counting as a read.
func (s *Server) Status(id int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.vps[id]; v != nil && !v.deleted {
		return v.Status
	}
	return ""
}

// Deleted reports whether VPS id was deleted.
func (s *Server) Deleted(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.vps[id]
	return v != nil && v.deleted
}
