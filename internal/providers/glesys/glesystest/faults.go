package glesystest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure the emulator injects instead of (or before) the real
// answer. A fault with only Delay set slows the request down and then
// answers normally.
type Fault struct {
	// Path selects the requests, e.g. "/server/stop"; "" matches all.
	Path string
	// Status is the HTTP status to answer with. Without Body the answer is
	// the API's envelope with status.code = Status and status.text = Text
	// (default: the HTTP status text).
	Status int
	Text   string
	// Body, when set, is written verbatim instead of the envelope (garbage,
	// truncated JSON, an HTML error page), with Status (default 200).
	Body string
	// RetryAfter sets a Retry-After header, in whole seconds.
	RetryAfter time.Duration
	// Header holds extra response headers (e.g. X-RateLimit-Remaining).
	Header map[string]string
	// Delay is waited before answering; a client that gives up first ends
	// the wait, and the request then has no effect.
	Delay time.Duration
	// Times is how many requests the fault hits; 0 means every one until
	// ClearFaults.
	Times int
}

// fault is an injected Fault with its remaining hits.
type fault struct {
	Fault
	left int // remaining hits; -1 is unlimited
}

// Inject adds f. Faults are matched in the order they were injected.
func (s *Server) Inject(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &fault{Fault: f, left: left})
	s.mu.Unlock()
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// takeFault returns the first live fault for path and uses up one hit.
// s.mu must be held.
func (s *Server) takeFault(path string) *Fault {
	for i, f := range s.faults {
		if f.Path != "" && f.Path != path {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		c := f.Fault
		return &c
	}
	return nil
}

// apply performs the fault and reports whether it answered the request.
func (f *Fault) apply(w http.ResponseWriter, r *http.Request, asJSON bool, now time.Time) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true // the client is gone; nothing is done
		case <-t.C:
		}
	}
	if f.Status == 0 && f.Body == "" {
		return false
	}
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(f.Body))
		return true
	}
	text := f.Text
	if text == "" {
		text = http.StatusText(status)
	}
	writeEnvelope(w, asJSON, reply{code: status, text: text}, nil, now)
	return true
}
