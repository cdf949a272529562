package glesys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// maxResponse bounds a response body, so a hostile or broken endpoint
// cannot exhaust memory. GleSYS answers are a few KiB.
const maxResponse = 4 << 20

// apiStatus is response.status of every answer.
type apiStatus struct {
	Code int    `json:"code"`
	Text string `json:"text"`
}

// envelope is embedded in every response type: it carries the status,
// and the function's own fields sit beside it in "response".
type envelope struct {
	Status apiStatus `json:"status"`
}

func (e envelope) status() apiStatus { return e.Status }

// answer is what call can decode a response into.
type answer interface{ status() apiStatus }

// call invokes module/function (e.g. "server/details") with args as a JSON
// body and decodes response into a T. Every failure is a *fault.Error:
// the envelope's code (or, without an envelope, the HTTP status) decides
// the class; a body that does not parse is Unavailable. call never retries:
// the portable wrapper decides that.
func call[T answer](ctx context.Context, d *Driver, function string, args any) (T, error) {
	var out struct {
		Response T `json:"response"`
	}
	start := time.Now()
	httpStatus, header, body, err := d.roundTrip(ctx, function, args)
	if err != nil {
		return out.Response, err
	}
	derr := json.Unmarshal(body, &out)
	st := out.Response.status()
	d.logCall(ctx, function, httpStatus, st.Code, time.Since(start))
	switch {
	case httpStatus >= 300 && httpStatus < 400:
		// Not followed (wire.NoRedirects): the API does not redirect, so
		// BaseURL or something in between is wrong.
		return out.Response, wire.Redirected("GleSYS", function, httpStatus)
	case derr != nil || st.Code == 0:
		if httpStatus != http.StatusOK {
			// An error page without the envelope (a proxy's 502, an
			// HTML 404): the HTTP status still says what happened.
			return out.Response, d.apiError(function, httpStatus, apiStatus{}, header)
		}
		return out.Response, &fault.Error{Class: fault.Unavailable,
			Message: fmt.Sprintf("malformed response from GleSYS to %s", function), Err: derr}
	case st.Code != http.StatusOK || httpStatus != http.StatusOK:
		code := st.Code
		if code == http.StatusOK {
			code = httpStatus // the envelope said OK, the HTTP status did not
		}
		return out.Response, d.apiError(function, code, st, header)
	}
	return out.Response, nil
}

// roundTrip sends one request and reads the whole (bounded) body.
func (d *Driver) roundTrip(ctx context.Context, function string, args any) (int, http.Header, []byte, error) {
	payload := []byte("{}")
	if args != nil {
		var err error
		if payload, err = json.Marshal(args); err != nil {
			return 0, nil, nil, &fault.Error{Class: fault.Internal, Message: "cannot encode the arguments of " + function, Err: err}
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.base+"/"+function, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, nil, &fault.Error{Class: fault.Internal, Message: "cannot build the request for " + function, Err: err}
	}
	req.Header.Set("Authorization", d.auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", d.userAgent)
	resp, err := d.http.Do(req)
	if err != nil {
		return 0, nil, nil, d.transportError(ctx, function, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return 0, nil, nil, d.transportError(ctx, function, err)
	}
	if len(body) > maxResponse {
		return 0, nil, nil, fault.Errorf(fault.Unavailable, "response from GleSYS to %s is larger than %d bytes", function, maxResponse)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// transportError classifies a failure to get an answer at all. A context
// that ended stays in the chain, so the wrapper can tell a timeout.
func (d *Driver) transportError(ctx context.Context, function string, err error) *fault.Error {
	if ctx.Err() != nil {
		return &fault.Error{Class: fault.Unavailable, Message: fmt.Sprintf("GleSYS call %s ended: %v", function, ctx.Err()), Err: ctx.Err()}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is ours and says nothing new
	}
	return &fault.Error{Class: fault.Unavailable, Message: fmt.Sprintf("cannot reach GleSYS for %s: %s", function, d.clean(err.Error())), Err: err}
}

// apiError maps an error answer to a class. code is the envelope's code
// (the HTTP status when there is no envelope); st.Text is the provider's
// message, shown cleaned and shortened.
func (d *Driver) apiError(function string, code int, st apiStatus, header http.Header) *fault.Error {
	text := d.clean(st.Text)
	if text == "" {
		text = http.StatusText(code)
	}
	e := &fault.Error{Message: fmt.Sprintf("GleSYS %s: %s (code %d)", function, text, code),
		Err: &statusError{Code: code, Text: d.clean(st.Text)}}
	switch {
	case code == http.StatusBadRequest:
		e.Class = fault.Invalid
		if c, busy, ok := classifyText(text); ok {
			e.Class, e.Busy = c, busy
		}
	case code == http.StatusUnauthorized:
		e.Class = fault.Unauthenticated
		e.Message = fmt.Sprintf("GleSYS rejected the API key of project %s: %s", d.project, text)
	case code == http.StatusForbidden:
		e.Class = fault.PermissionDenied
		e.Message = fmt.Sprintf("the API key of project %s may not call %s, or this host's address is not allowed for it: %s", d.project, function, text)
	case code == http.StatusNotFound:
		e.Class = fault.NotFound
	case code == http.StatusConflict:
		e.Class = fault.Conflict
	case code == http.StatusLocked:
		e.Class, e.Busy = fault.Conflict, true
	case code == http.StatusTooManyRequests:
		e.Class = fault.RateLimited
		e.RetryAfter = wire.RetryAfter(header, d.clock())
		e.Message = fmt.Sprintf("GleSYS is rate limiting %s: %s", function, text)
	case code >= 500:
		e.Class = fault.Unavailable
	default:
		e.Class = fault.Internal
	}
	return e
}

// statusError is the envelope's status behind an apiError, for callers
// that look at the provider's own words (emptyListAnswer). Text is
// cleaned like the message, so it carries no secret.
type statusError struct {
	Code int
	Text string
}

func (e *statusError) Error() string { return fmt.Sprintf("code %d: %s", e.Code, e.Text) }

// clean makes provider text safe for a one-line message
// (wire.CleanText), with the API key cut out should an endpoint ever echo
// it.
func (d *Driver) clean(s string) string { return wire.CleanText(s, []string{d.apiKey}) }

// logCall writes the debug line of one call: no headers, no bodies.
func (d *Driver) logCall(ctx context.Context, function string, httpStatus, code int, took time.Duration) {
	if !d.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	d.log.LogAttrs(ctx, slog.LevelDebug, "glesys call",
		slog.String("function", function), slog.Int("http_status", httpStatus),
		slog.Int("code", code), slog.Duration("took", took))
}
