package cyberpaneltest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Fault is an injected answer. The first fault matching a request (by
// Method and Path; empty matches any) is applied before authentication
// and rate limiting: it waits Delay (real time, cut short when the client
// gives up), then, when Status, Code or Body is set, answers with them
// instead of the real handler; a fault with only Delay set is a slow
// response that is then served normally.
type Fault struct {
	Method string // e.g. "POST"; "" matches any
	Path   string // relative to BasePath, e.g. "/vps/45/stop"; "" matches any
	Status int    // HTTP status; default 500 when Code or Body is set
	// Code and Message build the documented error envelope
	// {"success":false,"error":Message,"error_code":Code,"message":Message}.
	Code    string
	Message string
	// Body, when set, is sent as is (garbage, truncated JSON, HTML, ...)
	// instead of the envelope.
	Body string
	// RetryAfter adds a Retry-After header (whole seconds, rounded up) and,
	// on a 429, X-RateLimit-* headers saying nothing remains until then.
	RetryAfter time.Duration
	Delay      time.Duration
	// Times is how many requests the fault applies to; 0 means all.
	Times int
}

type fault struct {
	Fault
	used int
}

// Inject adds f after the faults already injected.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{Fault: f})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the fault for a request and uses it up; s.mu held.
func (s *Server) takeFault(method, path string) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && f.Method != method || f.Path != "" && f.Path != path {
			continue
		}
		f.used++
		if f.Times > 0 && f.used >= f.Times {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		c := f.Fault
		return &c
	}
	return nil
}

// serveFault waits f.Delay and writes f's answer. It reports whether the
// request is finished (answered, or the client went away).
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true
		case <-t.C:
		}
	}
	if f.Status == 0 && f.Code == "" && f.Body == "" {
		return false
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if f.RetryAfter > 0 {
		secs := int(math.Ceil(f.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		if status == http.StatusTooManyRequests {
			w.Header().Set("X-RateLimit-Limit", "60")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(s.now().Add(f.RetryAfter).Unix(), 10))
		}
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(f.Body))
		return true
	}
	msg := f.Message
	if msg == "" {
		msg = f.Code
	}
	writeError(w, status, f.Code, msg, msg)
	return true
}
