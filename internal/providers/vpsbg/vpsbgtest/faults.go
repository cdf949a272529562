package vpsbgtest

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Fault replaces or delays the answer to matching requests.
//
// A Fault with a Status answers with it (and Body, default a Laravel-style
// {"message": ...}); one with Status 0 and a Delay serves the request
// normally after the delay, so a "slow" mutation still happens, as it
// would on the real API. A Delay ends early when the client gives up.
type Fault struct {
	Method string // "" matches any method
	Path   string // relative to URL, e.g. "/servers/2864/stop"
	Status int
	// Body is sent verbatim (garbage and truncated JSON welcome); empty
	// means {"message": <status text>}.
	Body string
	// ContentType defaults to application/json.
	ContentType string
	// Header is added to the answer.
	Header http.Header
	// RetryAfter, when set, sends Retry-After in seconds and the
	// exhausted X-RateLimit-* headers Laravel's throttle sends with a 429.
	RetryAfter time.Duration
	Delay      time.Duration
	// Times is how many matching requests the fault applies to; 0 means
	// every one until ClearFaults.
	Times int
}

// Inject adds f; faults are tried in the order they were added.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching the request and uses up one
// of its times. Call with s.mu held.
func (s *Server) takeFault(method, path string) *Fault {
	for i, f := range s.faults {
		if f.Path != path || f.Method != "" && f.Method != method {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		c := *f
		return &c
	}
	return nil
}

// apply delays and answers; it reports whether it answered.
func (f *Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 {
		// Consume the body first: only then does net/http watch the
		// connection, so a client that gives up ends the delay.
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return true
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true
		case <-t.C:
		}
	}
	if f.Status == 0 {
		return false
	}
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.RetryAfter > 0 {
		secs := int((f.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(f.RetryAfter).Unix(), 10))
	}
	if f.Body == "" {
		writeError(w, f.Status, http.StatusText(f.Status))
		return true
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return true
}
