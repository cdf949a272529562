package edis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
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

// secretFields are the form fields whose values are secrets: the account
// password, a session signature, a root password, a VNC password. post
// removes their values from any provider message it puts into an error.
var secretFields = []string{"pw", "password", turnkeyPasswordField, "signature", "vnc_pw"}

// post sends form to rawURL as application/x-www-form-urlencoded and
// decodes the JSON answer into out. what names the call in errors ("get/power
// for kvm_1"). A mutation (a call that changes something) also accepts a
// 2xx plain-text answer as success, since EDIS documents one for
// set/reinstall; out then stays empty. A redirect is never followed.
// Every failure is a classified *fault.Error without secrets: the
// values of the form's secret fields are cut out of provider messages.
func (d *Driver) post(ctx context.Context, what, rawURL string, form url.Values, mutation bool, out enveloped) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		return &fault.Error{Class: fault.Internal, Message: "cannot build the request for " + what, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", d.userAgent)
	resp, err := d.http.Do(req)
	if err != nil {
		return transportError(ctx, what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 3 {
		return wire.Redirected("EDIS", what, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return transportError(ctx, what, err)
	}
	if len(body) > maxBody {
		return fault.Errorf(fault.Unavailable, "response from EDIS to %s exceeds %d bytes", what, maxBody)
	}
	sec := formSecrets(form)
	if resp.StatusCode/100 != 2 {
		return d.statusError(what, resp, body, sec)
	}
	if err := json.Unmarshal(body, out); err != nil {
		if mutation && plainText(resp, body) {
			// The body is not logged: it may echo what was sent.
			d.cfg.Logger.Debug("edis: answer was not JSON; taking HTTP 2xx as accepted", "call", what, "status", resp.StatusCode, "bytes", len(body))
			return nil
		}
		return &fault.Error{Class: fault.Unavailable, Message: "malformed response from EDIS to " + what, Err: err}
	}
	if env := out.env(); env.Status != "success" {
		return d.refusal(what, resp.StatusCode, env.text(), sec)
	}
	return nil
}

// plainText reports whether a body that is not JSON is a plain message
// (what EDIS documents for set/reinstall) rather than broken JSON or an
// HTML page, which more likely comes from a proxy or maintenance page and
// proves nothing about the call.
func plainText(resp *http.Response, body []byte) bool {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	t := bytes.TrimSpace(body)
	return ct != "text/html" && ct != "application/xhtml+xml" &&
		(len(t) == 0 || (t[0] != '{' && t[0] != '[' && t[0] != '<'))
}

// formSecrets returns the non-empty values of form's secret fields.
func formSecrets(form url.Values) []string {
	var out []string
	for _, f := range secretFields {
		for _, v := range form[f] {
			if v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// transportError classifies a failure to get an answer. A context that
// ended is kept in the chain so the portable wrapper reports it as such.
func transportError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return &fault.Error{Class: fault.Unavailable, Message: what + " interrupted: " + ctx.Err().Error(), Err: ctx.Err()}
	}
	// url.Error carries the URL, which holds no secret (they travel in
	// the body), so it may stay in the chain.
	return &fault.Error{Class: fault.Unavailable, Message: "cannot reach EDIS for " + what, Err: err}
}

// statusError classifies a non-2xx answer by its status, refined by the
// message in its body where one parses.
func (d *Driver) statusError(what string, resp *http.Response, body []byte, secrets []string) error {
	var env envelope
	_ = json.Unmarshal(body, &env) // best effort: the body may be HTML
	msg := d.clean(env.text(), secrets)
	code := resp.StatusCode
	if code == http.StatusTooManyRequests {
		e := fault.Errorf(fault.RateLimited, "EDIS rate-limited %s", what)
		e.RetryAfter = wire.RetryAfter(resp.Header, d.cfg.Clock())
		return e
	}
	e := d.refusal(what, code, msg, secrets)
	switch {
	case code == http.StatusUnauthorized:
		e.Class = fault.Unauthenticated
	case code == http.StatusForbidden && e.Class != fault.Unauthenticated:
		e.Class = fault.PermissionDenied
	case code == http.StatusLocked:
		e.Class, e.Busy = fault.Conflict, true
	case code >= 500:
		e.Class, e.Busy = fault.Unavailable, false
	case e.Class == fault.Unauthenticated:
		// A message about the session, whatever the status: log in again.
	case code == http.StatusNotFound:
		e.Class, e.Busy = fault.NotFound, false
	case code == http.StatusConflict:
		e.Class = fault.Conflict
	case e.Class != fault.Internal:
		// The message said more than the status (e.g. 400 "already on").
	case code == http.StatusBadRequest || code == http.StatusUnprocessableEntity || code == http.StatusUnsupportedMediaType:
		e.Class = fault.Invalid
	default:
		e.Class = fault.Unavailable
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
// repeating it will not help). secrets are cut out of msg.
func (d *Driver) refusal(what string, code int, msg string, secrets []string) *fault.Error {
	msg = d.clean(msg, secrets)
	c, busy, _ := keywordClass(msg)
	if c == "" {
		c = fault.Internal
	}
	text := "EDIS refused " + what
	if msg != "" {
		text += ": " + msg
	} else if code/100 == 2 {
		text += " without saying why"
	}
	return &fault.Error{Class: c, Busy: busy, Message: text}
}

// isAuthFailure reports whether err says the session should be renewed:
// an HTTP 401 or 403, or a message about signatures, expiry or another
// node (classified Unauthenticated). A refusal that merely names a
// permission ("IP does not belong to this VPS") is not one.
func isAuthFailure(err error) bool {
	var e *fault.Error
	if !errors.As(err, &e) {
		return false
	}
	var s *statusErr
	if errors.As(err, &s) && (s.code == http.StatusUnauthorized || s.code == http.StatusForbidden) {
		return true
	}
	return e.Class == fault.Unauthenticated
}

// isHTTPNotFound reports whether err is an HTTP 404 from the API.
func isHTTPNotFound(err error) bool {
	var s *statusErr
	return errors.As(err, &s) && s.code == http.StatusNotFound
}

// clean makes a provider message safe to show (wire.CleanText): the
// account password and every one of secrets (the call's own signature,
// root or VNC password) cut out, then anything shaped like a signature.
func (d *Driver) clean(msg string, secrets []string) string {
	return wire.CleanText(msg, append([]string{d.cfg.Password}, secrets...), redactTokens)
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
