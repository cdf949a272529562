// Package edistest is an HTTP emulator of the EDIS Global KVM Management
// API, its session host, rDNS host and Order API, for offline tests of the
// edis driver. It is stateful and safe for concurrent use.
//
// One Server runs two listeners on 127.0.0.1 that share one state. The
// primary listener (URL) plays the session host, the order host, the rDNS
// host and the api_host of node 0; the secondary (SecondaryURL) is the
// api_host of node 1, so a test can migrate a VPS between nodes. The login
// response names hosts as "127.0.0.1:PORT", so a driver configured with
// APIScheme "http" reaches them.
//
// Behaviour the reference documents is emulated as documented (paths,
// form fields, field names and types). Where it is undocumented — the
// error envelope and HTTP statuses, the "powered off" and reinstall
// wording, the get/ptr and usage shapes — the emulator picks the
// plausible shape the driver's unverified.go expects: errors are
// {"status":"error","msg":"..."} with 400 (bad request), 401 (bad
// credentials, signature or node), 403 (API access disabled), 404
// (unknown path or product), 405, 423 (another action in progress).
package edistest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Default credentials, from the reference's login example (the password
// has the + & = the docs warn about).
const (
	Email    = "ops@example.com"
	Password = "S3cret+&=pass"
)

// Server is the emulator.
type Server struct {
	// URL is the primary listener: session, order and rDNS host, and
	// api_host of node 0. SecondaryURL is the api_host of node 1.
	URL          string
	SecondaryURL string

	primary, secondary *httptest.Server

	emulator.Faults
	reqs emulator.Requests

	mu          sync.Mutex
	email, pw   string
	steps       int
	ttl         time.Duration
	clock       func() time.Time
	apiDisabled bool
	nodes       [2]string // host:port of node 0 and 1
	vpses       map[string]*VPS
	sigs        map[string]sigEntry
	issued      []string           // every signature handed out, for secret tests
	sigLen      int                // length of issued signatures
	plainText   bool               // set/reinstall answers in plain text
	mgmt        map[string]handler // api_host paths; built once by New
	client      *http.Client
}

// Option configures New.
type Option func(*Server)

// WithCredentials sets the account login.
func WithCredentials(email, password string) Option {
	return func(s *Server) { s.email, s.pw = email, password }
}

// WithSteps sets how many get/power polls a power action or reinstall
// shows its transitional state before the end state, and how many
// get/power polls of the VPS or logins an immediate cancellation keeps it
// (default 2); then it is removed and its signatures die.
func WithSteps(n int) Option { return func(s *Server) { s.steps = max(n, 0) } }

// WithSessionTTL sets how long a signature stays valid (default 1 h).
func WithSessionTTL(d time.Duration) Option { return func(s *Server) { s.ttl = d } }

// WithClock sets the time source for valid_until (default time.Now).
func WithClock(f func() time.Time) Option { return func(s *Server) { s.clock = f } }

// WithSignatureLength sets the length of issued signatures (default 50,
// like EDIS's). A short one defeats the driver's shape-based redaction, so
// a test can check that the exact signature is removed from messages.
func WithSignatureLength(n int) Option { return func(s *Server) { s.sigLen = max(n, 8) } }

// WithPlainTextReinstall makes set/reinstall and set/turnkey_reinstall
// answer 200 with a plain-text message instead of JSON, as the
// reference's overview page shows.
func WithPlainTextReinstall() Option { return func(s *Server) { s.plainText = true } }

// New starts an emulator seeded with the fixtures in seed.go.
func New(opts ...Option) *Server {
	s := &Server{
		email: Email, pw: Password, steps: 2, ttl: time.Hour, clock: time.Now, sigLen: 50,
		sigs: map[string]sigEntry{},
	}
	for _, o := range opts {
		o(s)
	}
	s.primary = httptest.NewServer(s)
	s.secondary = httptest.NewServer(s)
	s.URL, s.SecondaryURL = s.primary.URL, s.secondary.URL
	s.nodes = [2]string{hostOf(s.URL), hostOf(s.SecondaryURL)}
	s.vpses = seed()
	s.mgmt = s.management()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	s.client = &http.Client{Transport: t}
	return s
}

func hostOf(raw string) string {
	u, _ := url.Parse(raw)
	return u.Host
}

// Close shuts both listeners down.
func (s *Server) Close() {
	s.client.CloseIdleConnections()
	s.primary.Close()
	s.secondary.Close()
}

// Client returns a keep-alive client for the listeners, with enough idle
// connections per host for concurrent callers. It is shared: tests and
// benchmarks comparing the driver with bare net/http use the same one.
func (s *Server) Client() *http.Client { return s.client }

// Fault makes matching requests fail or stall (see emulator.Fault; Host
// is a listener's "host:port"). An answer without Body is
// {"status":"error","msg":<status text>}; Echo makes it
// {"status":"error","msg":"rejected: <value> <value>"}. Status defaults
// to 500.
type Fault = emulator.Fault

// Count returns how many requests reached path, on any listener (faulted
// ones included).
func (s *Server) Count(path string) int { return s.reqs.Count("", "", path) }

// CountAt returns how many requests reached path on the listener whose
// base URL is baseURL (URL or SecondaryURL).
func (s *Server) CountAt(baseURL, path string) int {
	return s.reqs.Count("", hostOf(baseURL), path)
}

// Logins returns how many login requests arrived.
func (s *Server) Logins() int { return s.Count(PathAuth) }

// Times returns when each request to path arrived.
func (s *Server) Times(path string) []time.Time { return s.reqs.Arrivals("", "", path) }

// Signatures returns every signature issued so far (secrets a test can
// look for in logs and errors).
func (s *Server) Signatures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// Paths the emulator serves outside the api_host.
const (
	PathAuth   = "/kvm/v2/get/auth"
	PathCancel = "/kvm/v2/cancel/product"
)

// ServeHTTP implements http.Handler for both listeners.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	node := s.record(r)
	// Read the body first: only then does net/http watch the connection,
	// so a Delay ends when the client gives up.
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeErr(w, http.StatusBadRequest, "cannot read the request body")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if f := s.Take(r.Method, r.Host, r.URL.Path); f != nil && serveFault(w, r, f, body) {
		return
	}
	if r.Method != http.MethodPost {
		writeErr(w, http.StatusMethodNotAllowed, "method not allowed; use POST")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		writeErr(w, http.StatusBadRequest, "Content-Type must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeErr(w, http.StatusBadRequest, "malformed form body")
		return
	}
	s.route(w, r, node)
}

// record counts r and returns its listener's node number.
func (s *Server) record(r *http.Request) int {
	s.reqs.Record(r.Method, r.Host, r.URL.Path, time.Now())
	if r.Host == s.nodes[1] {
		return 1
	}
	return 0
}

// serveFault applies f and reports whether the request is finished; Echo
// repeats the named fields of the request's form in the message.
func serveFault(w http.ResponseWriter, r *http.Request, f *Fault, reqBody []byte) bool {
	return f.Serve(w, r, http.StatusInternalServerError, nil, func(w http.ResponseWriter, status int, msg string) {
		if len(f.Echo) > 0 {
			form, _ := url.ParseQuery(string(reqBody))
			msg = "rejected:"
			for _, k := range f.Echo {
				msg += " " + form.Get(k)
			}
		}
		writeErr(w, status, msg)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"status": "error", "msg": msg})
}

// refuse is EDIS's presumed "200 but no" answer.
func refuse(w http.ResponseWriter, msg string) { writeErr(w, http.StatusOK, msg) }

func ok(w http.ResponseWriter, extra map[string]any) {
	m := map[string]any{"status": "success"}
	for k, v := range extra {
		m[k] = v
	}
	writeJSON(w, http.StatusOK, m)
}
