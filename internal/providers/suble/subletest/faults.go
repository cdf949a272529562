package subletest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault makes matching requests misbehave.
type Fault struct {
	// Method and Path select requests (Path is the URL path without the
	// query); empty matches any.
	Method string
	Path   string
	// Status, when set, is answered instead of handling the request, with
	// Body (default: the {"error": ...} envelope with the status text).
	Status int
	Body   string
	// RetryAfter sets Retry-After and X-RateLimit-Reset (a Unix time).
	RetryAfter time.Duration
	// Header adds response headers.
	Header http.Header
	// Delay holds the answer back; a request whose client gives up first
	// is dropped without being handled.
	Delay time.Duration
	// Times is how many requests the fault applies to; 0 means all.
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

// takeFault returns the first fault matching r and uses up one of its
// times. The caller holds s.mu.
func (s *Server) takeFault(r *http.Request) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && f.Method != r.Method || f.Path != "" && f.Path != r.URL.Path {
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

// apply performs the fault and reports whether the request should still
// be handled normally.
func (f *Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return false
		case <-t.C:
		}
	}
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(f.RetryAfter).Unix(), 10))
		w.Header().Set("X-RateLimit-Remaining", "0")
	}
	if f.Status == 0 {
		return true
	}
	if f.Body == "" {
		msg := http.StatusText(f.Status)
		if f.Status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded. Please try again later." // documented
		}
		writeError(w, f.Status, msg)
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return false
}

// setRateHeaders adds the X-RateLimit-* headers the reference says every
// answer carries (names UNVERIFIED, values arbitrary).
func setRateHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "120")
	h.Set("X-RateLimit-Remaining", "119")
}
