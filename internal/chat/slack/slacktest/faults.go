package slacktest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure the fake answers a call with instead of serving it.
// Build one with RateLimit, ServerError, SlackError, Garbage or Delay.
type Fault struct {
	kind       faultKind
	retryAfter int // seconds, for a rate limit
	status     int
	code       string
	delay      time.Duration
}

type faultKind int

const (
	faultRateLimit faultKind = iota + 1
	faultStatus
	faultSlackError
	faultGarbage
	faultDelay
)

// RateLimit answers as Slack does over a method's rate limit: HTTP 429,
// Retry-After in whole seconds, {"ok":false,"error":"ratelimited"}.
func RateLimit(retryAfterSeconds int) Fault {
	return Fault{kind: faultRateLimit, retryAfter: retryAfterSeconds}
}

// ServerError answers with an HTTP status (500, 502, 503...) and an HTML
// body, as Slack's edge does when it is down.
func ServerError(status int) Fault { return Fault{kind: faultStatus, status: status} }

// SlackError answers HTTP 200 {"ok":false,"error":code}, the way every Web
// API method refuses a call.
func SlackError(code string) Fault { return Fault{kind: faultSlackError, code: code} }

// Garbage answers HTTP 200 with a body that is not JSON.
func Garbage() Fault { return Fault{kind: faultGarbage} }

// Delay holds the call for d (or until the client gives up or the fake
// closes) and then serves it normally.
func Delay(d time.Duration) Fault { return Fault{kind: faultDelay, delay: d} }

// Fail makes the next n calls of method fail with f, after any failures
// already queued for it. method is a Web API method ("chat.postMessage"),
// "response_url" for every response_url, or "files.upload" for the upload
// URL files.getUploadURLExternal hands out.
func (s *Server) Fail(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// called counts a call of method and returns the fault queued for it.
func (s *Server) called(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.calls[method]++
	s.changedLocked()
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}

// answer writes the fault's answer and reports whether it did; a delay
// writes nothing and lets the call go on.
func (s *Server) answer(f Fault, w http.ResponseWriter, r *http.Request) bool {
	switch f.kind {
	case faultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
	case faultStatus:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte("<html><body>" + http.StatusText(f.status) + "</body></html>"))
	case faultSlackError:
		writeError(w, f.code)
	case faultGarbage:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("<html>not json"))
	case faultDelay:
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-s.closed:
		}
		return false
	}
	return true
}
