package cyberpanel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// maxBody caps a response body, so a hostile or broken endpoint cannot
// exhaust memory; the largest real answer (a 100-server page) is ~30 KiB.
const maxBody = 4 << 20

// call is one API request and what it is about, for error messages.
type call struct {
	method string
	path   string // relative to the base URL, e.g. "/vps/45/status"
	scope  string // the scope the endpoint needs, named when it is missing
	what   string // the thing acted on, e.g. "server 45"
	body   any    // JSON-encoded when non-nil
}

// envelope is the documented response wrapper.
type envelope struct {
	Success   bool            `json:"success"`
	Data      json.RawMessage `json:"data"`
	Error     string          `json:"error"`
	ErrorCode string          `json:"error_code"`
	Message   string          `json:"message"`
}

// do sends c, waiting for the rate limiter first, and decodes the
// envelope's data into out (unless out is nil). Every error it returns is
// a *fault.Error; one caused by ctx ending keeps ctx's error in its chain.
// It never retries: the portable wrapper decides that.
func (d *Driver) do(ctx context.Context, c call, out any) error {
	if err := d.lim.wait(ctx); err != nil {
		var de *fault.Error
		if errors.As(err, &de) {
			d.log.Debug("cyberpanel request refused by the client-side rate limiter",
				"method", c.method, "path", c.path, "retry_after", de.RetryAfter)
			return de
		}
		return &fault.Error{Class: fault.Unavailable, Message: "gave up waiting for the rate limiter", Err: err}
	}
	req, err := d.request(ctx, c)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := d.hc.Do(req)
	if err != nil {
		d.log.Debug("cyberpanel request failed", "method", c.method, "path", c.path, "duration", time.Since(start))
		return transportError(ctx, err)
	}
	defer resp.Body.Close()
	d.lim.observe(resp.Header)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return transportError(ctx, err)
	}
	if len(raw) > maxBody {
		return fault.Errorf(fault.Unavailable, "response from CyberPanel is larger than %d MiB", maxBody>>20)
	}
	var env envelope
	jsonErr := json.Unmarshal(raw, &env)
	d.log.Debug("cyberpanel request", "method", c.method, "path", c.path, "status", resp.StatusCode,
		"error_code", env.ErrorCode, "duration", time.Since(start))
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		// Not followed (wire.NoRedirects): the API does not redirect, so
		// BaseURL or something in between is wrong.
		return wire.Redirected("CyberPanel", "the request for "+c.what, resp.StatusCode)
	case resp.StatusCode >= 300:
		return d.apiError(c, resp, env)
	case jsonErr != nil:
		return malformed(c, jsonErr)
	case !env.Success && env.ErrorCode == "" && env.Error == "":
		return malformed(c, errors.New("no success flag and no error"))
	case !env.Success:
		return d.apiError(c, resp, env)
	case len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")):
		return malformed(c, errors.New("no data"))
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return malformed(c, err)
		}
	}
	return nil
}

// request builds the HTTP request for c.
func (d *Driver) request(ctx context.Context, c call) (*http.Request, error) {
	var body io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return nil, &fault.Error{Class: fault.Internal, Message: "cannot encode the request for " + c.what, Err: err}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, d.base+c.path, body)
	if err != nil {
		return nil, &fault.Error{Class: fault.Internal, Message: "cannot build the request for " + c.what, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+d.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", d.agent)
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// transportError classifies a failure to get an answer. The message is
// ours: transport errors quote the URL, which is harmless today but is no
// place to promise secrecy.
func transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &fault.Error{Class: fault.Unavailable, Message: "request to CyberPanel ended: " + ctx.Err().Error(), Err: ctx.Err()}
	}
	return &fault.Error{Class: fault.Unavailable, Message: "cannot reach the CyberPanel API", Err: errors.Unwrap(err)}
}

func malformed(c call, err error) error {
	return &fault.Error{Class: fault.Unavailable, Message: "malformed response from CyberPanel for " + c.what, Err: err}
}

// apiError is the underlying cause kept in fault.Error.Err for logs: the
// HTTP status and the API's error code, nothing the API said in prose.
type apiError struct {
	status int
	code   string
}

func (e *apiError) Error() string {
	if e.code == "" {
		return fmt.Sprintf("HTTP %d", e.status)
	}
	return fmt.Sprintf("HTTP %d %s", e.status, e.code)
}

// apiError classifies a refusal: by the documented error_code when there
// is one, else by the HTTP status.
func (d *Driver) apiError(c call, resp *http.Response, env envelope) error {
	e := classify(c, resp.StatusCode, env.ErrorCode, apiText(env, d.key))
	e.Err = &apiError{status: resp.StatusCode, code: env.ErrorCode}
	if e.Class == fault.RateLimited {
		e.RetryAfter = wire.RetryAfter(resp.Header, d.now())
		if e.RetryAfter == 0 {
			e.RetryAfter = resetIn(resp.Header, d.now())
		}
	}
	return e
}

// apiText is the API's own explanation as one safe short line
// (wire.CleanText): the driver's key cut out, then anything else key-like.
func apiText(env envelope, key string) string {
	s := env.Message
	if s == "" {
		s = env.Error
	}
	return wire.CleanText(s, []string{key}, otherKeys)
}

// otherKeys redacts every word that holds a CyberPanel key: keys are
// cyp_<letters, digits, _>; a prefix alone is harmless but a whole other
// key is not ours to show either.
func otherKeys(s string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.Contains(f, "cyp_") && len(f) > 16 {
			fields[i] = wire.Redacted
		}
	}
	return strings.Join(fields, " ")
}

// resetIn is the time until X-RateLimit-Reset, 0 when absent or past.
func resetIn(h http.Header, now time.Time) time.Duration {
	var reset int64
	if _, err := fmt.Sscan(h.Get("X-RateLimit-Reset"), &reset); err != nil {
		return 0
	}
	if d := time.Unix(reset, 0).Sub(now); d > 0 {
		return d.Round(time.Second)
	}
	return 0
}
