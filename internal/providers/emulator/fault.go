package emulator

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault makes matching requests fail or stall. A fault with an answer
// (see Answers) replaces the emulator's own; one with only Delay slows
// the request down, which is then served normally (a slow mutation still
// happens, as it would on the real API).
type Fault struct {
	// Method, Host ("host:port" of a listener) and Path (as the emulator
	// routes it) select requests; "" matches any.
	Method string
	Host   string
	Path   string
	// Status is the HTTP status to answer with. Without Body the answer
	// is the provider's error envelope, carrying Code and Message where
	// it has them (default Message: the status text).
	Status  int
	Code    string
	Message string
	// Body, when set, is sent verbatim (garbage, truncated JSON, an HTML
	// error page) instead of the envelope, as ContentType (default
	// application/json).
	Body        string
	ContentType string
	// Echo names request form fields whose values the error answer
	// repeats, as a careless API might echo a password (emulators that
	// take forms).
	Echo []string
	// Header is added to the answer; RetryAfter sends Retry-After in whole
	// seconds, rounded up (and whatever rate-limit headers the emulator's
	// provider sends with it).
	Header     http.Header
	RetryAfter time.Duration
	// Delay is waited before answering; a client that gives up first
	// ends the wait, and the request then has no effect.
	Delay time.Duration
	// Times is how many requests the fault applies to; 0 means every one
	// until ClearFaults.
	Times int
}

// Answers reports whether f replaces the answer (rather than only
// delaying it).
func (f *Fault) Answers() bool { return f.Status != 0 || f.Code != "" || f.Body != "" }

// Wait holds the request back for f.Delay and reports whether the client
// is still there. The body is read first (and put back): only then does
// net/http watch the connection, so a client that gives up ends the wait.
func (f *Fault) Wait(r *http.Request) bool {
	if f.Delay <= 0 {
		return true
	}
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	t := time.NewTimer(f.Delay)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return false
	case <-t.C:
		return true
	}
}

// SetHeaders adds f.Header and Retry-After to w.
func (f *Fault) SetHeaders(w http.ResponseWriter) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfterSeconds()))
	}
}

// SetRateLimited adds the X-RateLimit-* headers a throttle sends with
// f's RetryAfter: nothing remains (of limit, sent when > 0) until then,
// as a Unix time.
func (f *Fault) SetRateLimited(w http.ResponseWriter, limit int, now time.Time) {
	if limit > 0 {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
	}
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(now.Add(f.RetryAfter).Unix(), 10))
}

// RetryAfterSeconds is f.RetryAfter in whole seconds, rounded up.
func (f *Fault) RetryAfterSeconds() int {
	return int((f.RetryAfter + time.Second - 1) / time.Second)
}

// Serve applies f to a request: it waits f.Delay, then, when f answers,
// calls before (when not nil: rate-limit headers, say) and writes the
// answer with Reply. It reports whether the request is finished
// (answered, or the client gave up during the wait); false means the
// emulator serves it as usual.
func (f *Fault) Serve(w http.ResponseWriter, r *http.Request, defaultStatus int, before func(http.ResponseWriter), envelope func(w http.ResponseWriter, status int, msg string)) bool {
	if !f.Wait(r) {
		return true
	}
	if !f.Answers() {
		return false
	}
	if before != nil {
		before(w)
	}
	f.Reply(w, defaultStatus, envelope)
	return true
}

// Reply writes f's answer: its headers, then Body as it is, or else the
// provider's error envelope, which envelope writes from the status and
// Message (default: the status text). The status is f.Status, or
// defaultStatus when unset.
func (f *Fault) Reply(w http.ResponseWriter, defaultStatus int, envelope func(w http.ResponseWriter, status int, msg string)) {
	f.SetHeaders(w)
	status := f.Status
	if status == 0 {
		status = defaultStatus
	}
	if f.Body == "" {
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(status)
		}
		envelope(w, status, msg)
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(f.Body))
}

// Faults is the list of injected faults, safe for concurrent use. An
// emulator embeds it, which gives it Inject and ClearFaults.
type Faults struct {
	mu   sync.Mutex
	list []*injected
}

type injected struct {
	Fault
	left int // remaining hits; -1 is unlimited
}

// Inject adds f after the faults already injected.
func (fs *Faults) Inject(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, &injected{Fault: f, left: left})
}

// ClearFaults removes every injected fault.
func (fs *Faults) ClearFaults() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

// Take returns a copy of the first fault matching the request, using up
// one of its Times, or nil.
func (fs *Faults) Take(method, host, path string) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if f.Method != "" && f.Method != method || f.Host != "" && f.Host != host || f.Path != "" && f.Path != path {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
		}
		c := f.Fault
		return &c
	}
	return nil
}
