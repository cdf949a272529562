package vpsbg

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
	"slices"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// maxBody caps how much of an answer is read, so a hostile or broken
// endpoint cannot exhaust memory.
const maxBody = 4 << 20

// Driver is the VPSBG driver. It implements driver.Driver,
// PowerController, Reinstaller, Destroyer, PTRManager, SnapshotLister and
// Describer, and is safe for concurrent use.
type Driver struct {
	cfg       Config
	base      string
	writeAuth string // "Bearer <token>", precomputed: secret
	readAuth  string // secret
	userAgent string
	secrets   []string
	log       *slog.Logger
}

// call is one API request.
type call struct {
	method string
	path   string // below the base URL, ids already formatted
	query  url.Values
	body   any    // JSON-encoded when non-nil; POSTs without one send {}
	action string // what the request does, for messages: "stop server 2864"
	what   string // the resource a 404 refers to: "server 2864"
	// secrets of this call (a reinstall password) to scrub from messages.
	secrets []string
}

// do sends c and decodes a 2xx JSON answer into out (nil: ignore the
// body). Every failure is a *fault.Error.
func (d *Driver) do(ctx context.Context, c call, out any) error {
	req, err := d.newRequest(ctx, c)
	if err != nil {
		return err
	}
	debug := d.log.Enabled(ctx, slog.LevelDebug) // skip building log attributes nobody reads
	var start time.Time
	if debug {
		start = time.Now()
	}
	resp, err := d.cfg.HTTPClient.Do(req)
	if err != nil {
		if debug {
			d.log.DebugContext(ctx, "request failed", "method", c.method, "path", c.path, "duration", time.Since(start))
		}
		return d.transportErr(ctx, c, err)
	}
	body, readErr := readCapped(resp.Body)
	resp.Body.Close()
	if debug {
		d.log.DebugContext(ctx, "request", "method", c.method, "path", c.path, "status", resp.StatusCode,
			"bytes", len(body), "duration", time.Since(start))
	}
	if readErr != nil {
		if errors.Is(readErr, errTooLarge) {
			return fault.Errorf(fault.Unavailable, "%s: answer from VPSBG exceeds %d MiB", c.action, maxBody>>20)
		}
		return d.transportErr(ctx, c, readErr)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return d.statusErr(c, resp, body)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &fault.Error{Class: fault.Unavailable, Message: c.action + ": malformed response from VPSBG", Err: err}
	}
	return nil
}

func (d *Driver) newRequest(ctx context.Context, c call) (*http.Request, error) {
	u := d.base + c.path
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var body io.Reader
	if c.body != nil || c.method != http.MethodGet {
		b := []byte("{}")
		if c.body != nil {
			var err error
			if b, err = json.Marshal(c.body); err != nil {
				return nil, &fault.Error{Class: fault.Internal, Message: c.action + ": cannot encode the request", Err: err}
			}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u, body)
	if err != nil {
		return nil, &fault.Error{Class: fault.Internal, Message: c.action + ": cannot build the request", Err: err}
	}
	h := req.Header
	h["Accept"] = []string{"application/json"}
	h["User-Agent"] = []string{d.userAgent}
	if c.method == http.MethodGet {
		h["Authorization"] = []string{d.readAuth}
	} else {
		h["Authorization"] = []string{d.writeAuth}
	}
	if body != nil {
		h["Content-Type"] = []string{"application/json"}
	}
	return req, nil
}

var errTooLarge = errors.New("response too large")

func readCapped(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, errTooLarge
	}
	return b, nil
}

// transportErr classifies a failure to get an answer. The context's own
// error stays in the chain so the portable wrapper can tell a timeout.
func (d *Driver) transportErr(ctx context.Context, c call, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &fault.Error{Class: fault.Unavailable, Message: c.action + ": " + ctxErr.Error(), Err: err}
	}
	var ue *url.Error
	inner := err
	if errors.As(err, &ue) {
		inner = ue.Err // the url.Error's text repeats the whole URL
	}
	return &fault.Error{Class: fault.Unavailable,
		Message: c.action + ": cannot reach VPSBG: " + d.clean(inner.Error(), c.secrets), Err: err}
}

// clean makes provider or transport text safe to show (wire.CleanText),
// with every secret of the driver and the call cut out.
func (d *Driver) clean(s string, extra []string) string {
	return wire.CleanText(s, append(slices.Clip(d.secrets), extra...))
}

// apiError is Laravel's error body. UNVERIFIED shape (see unverified.go).
type apiError struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors"`
}

// statusErr classifies a non-2xx answer.
func (d *Driver) statusErr(c call, resp *http.Response, body []byte) error {
	var ae apiError
	_ = json.Unmarshal(body, &ae) // a body that is not the error shape leaves msg empty
	msg := d.clean(ae.Message, c.secrets)
	status := resp.StatusCode
	withMsg := func(def string) string {
		if msg == "" {
			return c.action + ": " + def
		}
		return c.action + ": " + msg
	}
	switch {
	case status == http.StatusUnauthorized:
		return fault.Errorf(fault.Unauthenticated, "%s: VPSBG rejected the API token (invalid or revoked)", c.action)
	case status == http.StatusForbidden:
		hint := ""
		if c.method != http.MethodGet {
			hint = " (a Read token cannot make changes; use a Write token)"
		}
		return fault.Errorf(fault.PermissionDenied, "%s: the VPSBG API token is not allowed to do this%s", c.action, hint)
	case status == http.StatusNotFound && routeMissing(ae.Message), status == http.StatusMethodNotAllowed:
		return fault.Errorf(fault.Unsupported, "%s: the VPSBG API has no %s %s endpoint (the path is unverified)",
			c.action, c.method, c.path)
	case status == http.StatusNotFound:
		return fault.Errorf(fault.NotFound, "%s not found", c.what)
	case status == http.StatusConflict:
		return fault.Errorf(fault.Conflict, "%s", withMsg("conflicts with the server's state"))
	case status == http.StatusLocked:
		return &fault.Error{Class: fault.Conflict, Busy: true,
			Message: fmt.Sprintf("%s: %s is locked by another operation; try again shortly", c.action, c.what)}
	case status == http.StatusTooManyRequests:
		return &fault.Error{Class: fault.RateLimited, RetryAfter: retryAfter(resp.Header, d.cfg.Clock()),
			Message: c.action + ": VPSBG rate limit reached"}
	case status == http.StatusUnprocessableEntity || status == http.StatusBadRequest:
		return fault.Errorf(fault.Invalid, "%s", withMsg("VPSBG refused the request"))
	case status >= 500:
		return fault.Errorf(fault.Unavailable, "%s: VPSBG answered %d %s", c.action, status, http.StatusText(status))
	case status >= 300 && status < 400:
		return wire.Redirected("VPSBG", "the request to "+c.action, status)
	}
	return fault.Errorf(fault.Invalid, "%s: VPSBG answered %d %s", c.action, status, http.StatusText(status))
}
