package suble

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// Documented error messages (https://suble.io/docs/api/reference), matched
// case-insensitively as fragments. Unverified ones are in unverified.go.
const (
	msgAlreadyOnline   = "already online"
	msgMustBeOffline   = "must be offline"
	msgHourlyOnly      = "only hourly billing"
	msgProjectNotFound = "project not found"
	msgInsufficient    = "insufficient permissions"
)

// statusError classifies a non-2xx answer to c.
func (d *Driver) statusError(c call, status int, h http.Header, body []byte) *fault.Error {
	msg := d.apiMessage(body)
	low := strings.ToLower(msg)
	switch {
	case status == http.StatusBadRequest:
		return badRequest(c, msg, low)
	case status == http.StatusUnauthorized:
		if d.sess.renewable() { // do renews first and words a repeated 401 itself
			return fault.Errorf(fault.Unauthenticated, "Suble rejected the session for %s (HTTP 401)", c.what)
		}
		return fault.Errorf(fault.Unauthenticated, "Suble rejected the API token (HTTP 401)")
	case status == http.StatusForbidden:
		if c.perm != "" && (msg == "" || strings.Contains(low, msgInsufficient)) {
			return fault.Errorf(fault.PermissionDenied, "the Suble credentials lack permission %s for %s", c.perm, c.what)
		}
		return fault.Errorf(fault.PermissionDenied, "Suble refused access to %s%s", c.what, suffix(msg))
	case status == http.StatusNotFound:
		if strings.Contains(low, msgProjectNotFound) {
			return fault.Errorf(fault.NotFound, "Suble project %s not found or not accessible with these credentials", d.cfg.Project)
		}
		return fault.Errorf(fault.NotFound, "%s not found", c.what)
	case status == http.StatusConflict || status == http.StatusLocked:
		return &fault.Error{Class: fault.Conflict, Busy: true, Message: fmt.Sprintf("%s is busy%s", c.what, suffix(msg))}
	case status == http.StatusTooManyRequests:
		return &fault.Error{Class: fault.RateLimited, Message: "Suble rate limit exceeded", RetryAfter: d.retryAfter(h)}
	case status >= 500:
		return fault.Errorf(fault.Unavailable, "Suble API error (HTTP %d) for %s", status, c.what)
	}
	return fault.Errorf(fault.Internal, "unexpected HTTP %d from Suble for %s%s", status, c.what, suffix(msg))
}

// badRequest classifies a 400: Suble answers wrong-state actions with it
// as well as malformed requests, so the message decides.
func badRequest(c call, msg, low string) *fault.Error {
	switch {
	case strings.Contains(low, msgAlreadyOnline):
		return fault.Errorf(fault.Conflict, "%s is already running", c.what)
	case strings.Contains(low, msgAlreadyOffline):
		return fault.Errorf(fault.Conflict, "%s is already stopped", c.what)
	case strings.Contains(low, msgMustBeOffline):
		return fault.Errorf(fault.Conflict, "%s is running; stop it first (Suble rebuilds only stopped servers)", c.what)
	case strings.Contains(low, msgIsOffline):
		return fault.Errorf(fault.Conflict, "%s is stopped; start it first", c.what)
	case strings.Contains(low, msgHourlyOnly):
		return fault.Errorf(fault.Conflict, "%s is billed by subscription; cancel it in the Suble dashboard instead", c.what)
	case strings.Contains(low, msgBusy):
		return &fault.Error{Class: fault.Conflict, Busy: true, Message: fmt.Sprintf("%s is busy%s", c.what, suffix(msg))}
	}
	return fault.Errorf(fault.Invalid, "Suble rejected the request for %s%s", c.what, suffix(msg))
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

// apiMessage extracts {"error": "..."} from body as one safe line
// (wire.CleanText, with every credential the driver holds). A body that
// is not the documented envelope (an HTML error page) yields "".
func (d *Driver) apiMessage(body []byte) string {
	var env struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil {
		return ""
	}
	return d.clean(env.Error)
}

// clean makes text from the API safe to show (wire.CleanText), with
// every credential the driver holds cut out, in case the API echoes one.
func (d *Driver) clean(s string) string {
	secrets := []string{d.cfg.Token, d.cfg.Password}
	d.sess.mu.Lock()
	secrets = append(secrets, d.sess.access, d.sess.refresh)
	d.sess.mu.Unlock()
	return wire.CleanText(s, secrets)
}

// retryAfter reads how long the API asked to wait: Retry-After
// (wire.RetryAfter), else X-RateLimit-Reset; 0 when neither says.
func (d *Driver) retryAfter(h http.Header) time.Duration {
	now := d.cfg.Clock()
	if dur := wire.RetryAfter(h, now); dur > 0 {
		return dur
	}
	if v := h.Get(headerRateLimitReset); v != "" {
		if dur, ok := resetToDelay(strings.TrimSpace(v), now); ok {
			return max(dur, 0)
		}
	}
	return 0
}
