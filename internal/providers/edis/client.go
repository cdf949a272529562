package edis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// maxBody caps a response body so a hostile endpoint cannot exhaust memory.
const maxBody = 4 << 20

// envelope is what every EDIS answer shares: "status" is "success" on
// success; on failure the message is presumed to be in msg or message.
type envelope struct {
	Status  string          `json:"status"`
	Msg     json.RawMessage `json:"msg"`
	Message json.RawMessage `json:"message"`
}

func (e *envelope) env() *envelope { return e }

// text is the provider's message, if it sent one as a string.
func (e *envelope) text() string {
	for _, raw := range []json.RawMessage{e.Msg, e.Message} {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// enveloped is a response type embedding envelope, so one Unmarshal both
// checks the status and fills the payload.
type enveloped interface{ env() *envelope }

// post sends form to rawURL as application/x-www-form-urlencoded and
// decodes the JSON answer into out. what names the call in errors ("get/power
// for kvm_1"). Every failure is a classified *driver.Error without secrets.
func (d *Driver) post(ctx context.Context, what, rawURL string, form url.Values, out enveloped) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		return &driver.Error{Class: driver.Internal, Message: "cannot build the request for " + what, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", d.userAgent)
	resp, err := d.http.Do(req)
	if err != nil {
		return transportError(ctx, what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return transportError(ctx, what, err)
	}
	if len(body) > maxBody {
		return driver.Errorf(driver.Unavailable, "response from EDIS to %s exceeds %d bytes", what, maxBody)
	}
	if resp.StatusCode/100 != 2 {
		return d.statusError(what, resp, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &driver.Error{Class: driver.Unavailable, Message: "malformed response from EDIS to " + what, Err: err}
	}
	if env := out.env(); env.Status != "success" {
		return d.refusal(what, resp.StatusCode, env.text())
	}
	return nil
}

// transportError classifies a failure to get an answer. A context that
// ended is kept in the chain so the portable wrapper reports it as such.
func transportError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return &driver.Error{Class: driver.Unavailable, Message: what + " interrupted: " + ctx.Err().Error(), Err: ctx.Err()}
	}
	// url.Error carries the URL, which holds no secret (they travel in
	// the body), so it may stay in the chain.
	return &driver.Error{Class: driver.Unavailable, Message: "cannot reach EDIS for " + what, Err: err}
}

// statusError classifies a non-2xx answer by its status, refined by the
// message in its body where one parses.
func (d *Driver) statusError(what string, resp *http.Response, body []byte) error {
	var env envelope
	_ = json.Unmarshal(body, &env) // best effort: the body may be HTML
	msg := d.clean(env.text())
	code := resp.StatusCode
	if code == http.StatusTooManyRequests {
		e := driver.Errorf(driver.RateLimited, "EDIS rate-limited %s", what)
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), d.cfg.Clock())
		return e
	}
	e := d.refusal(what, code, msg)
	switch {
	case code == http.StatusUnauthorized:
		e.Class = driver.Unauthenticated
	case code == http.StatusForbidden && e.Class != driver.Unauthenticated:
		e.Class = driver.PermissionDenied
	case code == http.StatusLocked:
		e.Class, e.Busy = driver.Conflict, true
	case code >= 500:
		e.Class, e.Busy = driver.Unavailable, false
	case e.Class == driver.Unauthenticated:
		// A message about the session, whatever the status: log in again.
	case code == http.StatusNotFound:
		e.Class, e.Busy = driver.NotFound, false
	case code == http.StatusConflict:
		e.Class = driver.Conflict
	case e.Class != driver.Internal:
		// The message said more than the status (e.g. 400 "already on").
	case code == http.StatusBadRequest || code == http.StatusUnprocessableEntity || code == http.StatusUnsupportedMediaType:
		e.Class = driver.Invalid
	default:
		e.Class = driver.Unavailable
	}
	if msg == "" || code >= 500 {
		e.Message = fmt.Sprintf("EDIS answered %d %s to %s", code, http.StatusText(code), what)
		if msg != "" && msg != http.StatusText(code) {
			e.Message += ": " + msg
		}
	}
	e.Err = &statusErr{code: code}
	return e
}

// statusErr records the HTTP status behind an error, for logs and for
// telling an API 404 from other not-found answers.
type statusErr struct{ code int }

func (e *statusErr) Error() string { return fmt.Sprintf("HTTP %d", e.code) }

// refusal classifies an answer whose status is not "success" by its
// message; a message nothing matches is Internal (EDIS said no, and
// repeating it will not help).
func (d *Driver) refusal(what string, code int, msg string) *driver.Error {
	msg = d.clean(msg)
	c, busy, _ := keywordClass(msg)
	if c == "" {
		c = driver.Internal
	}
	text := "EDIS refused " + what
	if msg != "" {
		text += ": " + msg
	} else if code/100 == 2 {
		text += " without saying why"
	}
	return &driver.Error{Class: c, Busy: busy, Message: text}
}

// isAuthFailure reports whether err says the session should be renewed:
// an HTTP 401 or 403, or a message about signatures, expiry or another
// node (classified Unauthenticated). A refusal that merely names a
// permission ("IP does not belong to this VPS") is not one.
func isAuthFailure(err error) bool {
	var e *driver.Error
	if !errors.As(err, &e) {
		return false
	}
	var s *statusErr
	if errors.As(err, &s) && (s.code == http.StatusUnauthorized || s.code == http.StatusForbidden) {
		return true
	}
	return e.Class == driver.Unauthenticated
}

// isHTTPNotFound reports whether err is an HTTP 404 from the API.
func isHTTPNotFound(err error) bool {
	var s *statusErr
	return errors.As(err, &s) && s.code == http.StatusNotFound
}

// clean makes a provider message safe to show: one line, at most 200
// characters, the password and anything shaped like a signature (a run
// of 32 or more letters and digits) replaced.
func (d *Driver) clean(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	if d.cfg.Password != "" {
		msg = strings.ReplaceAll(msg, d.cfg.Password, "[redacted]")
		if enc := url.QueryEscape(d.cfg.Password); enc != d.cfg.Password {
			msg = strings.ReplaceAll(msg, enc, "[redacted]")
		}
	}
	msg = redactTokens(msg)
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	return msg
}

// redactTokens replaces runs of 32+ ASCII letters and digits.
func redactTokens(s string) string {
	var b strings.Builder
	run := 0
	flush := func(i int) {
		if run >= 32 {
			b.WriteString("[redacted]")
		} else {
			b.WriteString(s[i-run : i])
		}
		run = 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			run++
			continue
		}
		flush(i)
		b.WriteByte(c)
	}
	flush(len(s))
	return b.String()
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date.
// Missing or unparsable means 0 (the wrapper then uses its own backoff).
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil {
		return max(time.Duration(n)*time.Second, 0)
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
