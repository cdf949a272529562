// Package suble is the vpsops driver for the Suble.io Cloud API v2
// (Stacket Group): the VPS products of one project, their live status,
// power control, console tickets and rebuilds. Every call carries a bearer
// token and the Permission header the endpoint documents; with an email
// and password instead of a token the driver logs in and refreshes its
// JWT when the API answers 401, one renewal for any number of callers.
//
// The wire reference is docs/providers/suble.md; what it leaves
// unverified is collected in unverified.go.
package suble

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// maxBody caps what is read of a response, so a hostile or broken
// endpoint cannot exhaust memory.
const maxBody = 4 << 20

// Permission header values, as the reference lists them per endpoint.
const (
	permReadVPS    = "READ_VPS"
	permVPSControl = "VPS_CONTROL"
	permConsoleVNC = "CONSOLE_VNC"
	permVPSDelete  = "VPS_DELETE" // required by rebuild
)

// Driver is a Suble.io project. It is safe for concurrent use.
type Driver struct {
	cfg      Config
	base     string // BaseURL without a trailing slash
	ua       string
	log      *slog.Logger
	products map[string]bool // nil: every VPS of the project
	sess     session
	meta     metaCache
}

// New validates cfg and returns a driver. It makes no request: a JWT
// login happens on the first call.
func New(cfg Config) (*Driver, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("suble config: %w", err)
	}
	// A followed 307/308 would repeat the login body (email and password)
	// or a bearer-token request to wherever the answer points.
	cfg.HTTPClient = wire.NoRedirects(cfg.HTTPClient)
	d := &Driver{
		cfg:  cfg,
		base: strings.TrimRight(cfg.BaseURL, "/"),
		ua:   "vpsops/" + buildinfo.String(),
		log:  cfg.Logger,
	}
	if len(cfg.Products) > 0 {
		d.products = make(map[string]bool, len(cfg.Products))
		for _, p := range cfg.Products {
			d.products[p] = true
		}
	}
	d.sess.static = cfg.Token
	return d, nil
}

// call is one API request.
type call struct {
	method string
	path   string // under the base URL, query included
	perm   string // Permission header; "" sends none
	body   any    // JSON-encoded when non-nil
	what   string // names the target in error messages: "server vm_abc123"
	err    error  // set when the call must not be sent (a bad id); do returns it
}

// productPath is P in the reference: /projects/{project}/products/{product}/vps.
func productPath(project, product string) string {
	return "/projects/" + project + "/products/" + product + "/vps"
}

// vpsCall is a request to endpoint of server id. An id that could leave
// its path segment (".." would turn products/../vps/control into another
// resource) makes a call that do refuses before sending anything, whatever
// check the caller did or forgot.
func (d *Driver) vpsCall(method, id, endpoint, perm string, body any) call {
	if err := checkServerID(id); err != nil {
		return call{what: "server id", err: err}
	}
	return call{method: method, path: productPath(d.cfg.Project, id) + "/" + endpoint, perm: perm, body: body, what: "server " + id}
}

// do sends c with the session's token and decodes a 2xx JSON answer into
// out (nil: ignore the body). A 401 on a login session renews the JWT once
// and repeats the call: the 401 proves the call did not run, so even a
// mutation may be repeated. A second 401 is Unauthenticated, naming how
// the session had been renewed. Nothing else is retried here; the portable
// wrapper decides that.
func (d *Driver) do(ctx context.Context, c call, out any) error {
	if c.err != nil {
		return c.err
	}
	var payload []byte
	if c.body != nil {
		var err error
		if payload, err = json.Marshal(c.body); err != nil {
			return &fault.Error{Class: fault.Internal, Message: "encoding the request for " + c.what, Err: err}
		}
	}
	renewal := "" // how the session was renewed after a 401, for the message
	for attempt := 0; ; attempt++ {
		tok, gen, err := d.bearer(ctx)
		if err != nil {
			return err
		}
		status, h, body, err := d.send(ctx, c.method, c.path, func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+tok)
			if c.perm != "" {
				r.Header.Set("Permission", c.perm)
			}
		}, payload)
		if err != nil {
			return err
		}
		if status == http.StatusUnauthorized && d.sess.renewable() {
			if attempt > 0 {
				return fault.Errorf(fault.Unauthenticated, "Suble rejected the session for %s again, right after %s", c.what, renewal)
			}
			if renewal, err = d.renew(ctx, gen); err != nil {
				return err
			}
			continue
		}
		if status < 200 || status > 299 {
			return d.statusError(c, status, h, body)
		}
		return d.decode(body, out, c.what)
	}
}

// decode unmarshals a successful answer; anything unreadable is the
// provider's fault and worth a retry of a read.
func (d *Driver) decode(body []byte, out any, what string) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &fault.Error{Class: fault.Unavailable, Message: "malformed response from Suble for " + what, Err: err}
	}
	return nil
}

// send makes one HTTP request and reads the answer, capped at maxBody.
// auth sets the credentials headers. Transport failures are Unavailable
// with the cause kept, so the wrapper can tell a deadline from a refusal.
func (d *Driver) send(ctx context.Context, method, path string, auth func(*http.Request), payload []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, rd)
	if err != nil {
		return 0, nil, nil, &fault.Error{Class: fault.Internal, Message: "building the request " + method + " " + path, Err: err}
	}
	req.Header.Set("User-Agent", d.ua)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != nil {
		auth(req)
	}
	start := time.Now()
	resp, err := d.cfg.HTTPClient.Do(req)
	if err != nil {
		d.log.DebugContext(ctx, "suble request failed", "method", method, "path", path, "elapsed", time.Since(start), "error", errors.Unwrap(err))
		return 0, nil, nil, &fault.Error{Class: fault.Unavailable, Message: "cannot reach the Suble API", Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	d.log.DebugContext(ctx, "suble request", "method", method, "path", path, "status", resp.StatusCode, "elapsed", time.Since(start))
	if err != nil {
		return 0, nil, nil, &fault.Error{Class: fault.Unavailable, Message: "reading the Suble API's answer failed", Err: err}
	}
	if len(body) > maxBody {
		return 0, nil, nil, fault.Errorf(fault.Unavailable, "Suble API answer to %s %s is larger than %d bytes", method, path, maxBody)
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		return 0, nil, nil, wire.Redirected("Suble", method+" "+path, resp.StatusCode)
	}
	return resp.StatusCode, resp.Header, body, nil
}
