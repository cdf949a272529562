package glesys_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// TestFaultClasses injects each failure on server/details and checks the
// class GetServer reports, and that the driver itself never retries.
func TestFaultClasses(t *testing.T) {
	tests := []struct {
		name       string
		fault      glesystest.Fault
		class      fault.Class
		busy       bool
		retryAfter time.Duration
		msg        string // a substring the message must have
	}{
		{"401", glesystest.Fault{Status: 401, Message: "Unauthorized"}, fault.Unauthenticated, false, 0, "rejected the API key of project " + glesystest.Project},
		{"403", glesystest.Fault{Status: 403, Message: "Access denied"}, fault.PermissionDenied, false, 0, "may not call server/details"},
		{"404", glesystest.Fault{Status: 404, Message: "Not found"}, fault.NotFound, false, 0, "server " + glesystest.RunningID + " not found"},
		{"400", glesystest.Fault{Status: 400, Message: "Invalid value for argument serverid"}, fault.Invalid, false, 0, "Invalid value for argument serverid"},
		{"400 locked", glesystest.Fault{Status: 400, Message: "Server is locked: another operation is in progress"}, fault.Conflict, true, 0, "locked"},
		{"409", glesystest.Fault{Status: 409}, fault.Conflict, false, 0, "code 409"},
		{"423", glesystest.Fault{Status: 423}, fault.Conflict, true, 0, "code 423"},
		{"429", glesystest.Fault{Status: 429, RetryAfter: 3 * time.Second,
			Header: http.Header{"X-Ratelimit-Remaining": {"0"}}}, fault.RateLimited, false, 3 * time.Second, "rate limiting"},
		{"429 without envelope", glesystest.Fault{Status: 429, Body: "slow down", RetryAfter: 7 * time.Second}, fault.RateLimited, false, 7 * time.Second, "rate limiting"},
		{"500", glesystest.Fault{Status: 500, Message: "Internal error"}, fault.Unavailable, false, 0, "Internal error"},
		{"503 html", glesystest.Fault{Status: 503, Body: "<html><body>Service Unavailable</body></html>"}, fault.Unavailable, false, 0, "code 503"},
		{"garbage", glesystest.Fault{Status: 200, Body: "\x00\x01 not json"}, fault.Unavailable, false, 0, "malformed response"},
		{"truncated", glesystest.Fault{Status: 200, Body: `{"response":{"status":{"code":200,"text":"OK"},"server":{"serverid":"kvm36`}, fault.Unavailable, false, 0, "malformed response"},
		{"no envelope", glesystest.Fault{Status: 200, Body: `{"servers":[]}`}, fault.Unavailable, false, 0, "malformed response"},
		{"envelope error under 200", glesystest.Fault{Status: 200, Body: `{"response":{"status":{"code":404,"text":"No such server"}}}`}, fault.NotFound, false, 0, "not found"},
		{"418", glesystest.Fault{Status: 418}, fault.Internal, false, 0, "code 418"},
		{"huge", glesystest.Fault{Status: 200, Body: `{"response":{"x":"` + strings.Repeat("a", 5<<20) + `"}}`}, fault.Unavailable, false, 0, "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmulator(t)
			d := newDriver(t, srv)
			tc.fault.Path, tc.fault.Times = "/server/details", 1
			srv.Inject(tc.fault)
			s, err := d.GetServer(t.Context(), glesystest.RunningID)
			if s != nil {
				t.Errorf("GetServer returned a server with its error: %+v", s)
			}
			e := asDriverError(t, err)
			if e.Class != tc.class || e.Busy != tc.busy || e.RetryAfter != tc.retryAfter {
				t.Errorf("got class %s busy %v retry %s, want %s %v %s (%v)", e.Class, e.Busy, e.RetryAfter, tc.class, tc.busy, tc.retryAfter, err)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if strings.ContainsAny(e.Message, "\n\r") {
				t.Errorf("message %q is not one line", e.Message)
			}
			if n := srv.Count("/server/details"); n != 1 {
				t.Errorf("server/details called %d times, want exactly 1 (the driver must not retry)", n)
			}
		})
	}
}

// TestSlowResponse: a response slower than the caller's deadline ends the
// call with an Unavailable error that still says it was the deadline.
func TestSlowResponse(t *testing.T) {
	srv := newEmulator(t)
	d := newDriver(t, srv)
	srv.Inject(glesystest.Fault{Path: "/server/details", Delay: 10 * time.Second, Times: 1})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := d.GetServer(ctx, glesystest.RunningID)
	if e := asDriverError(t, err); e.Class != fault.Unavailable {
		t.Errorf("class %s, want unavailable (%v)", e.Class, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
}

// TestAuth covers wrong credentials and a key revoked while in use.
func TestAuth(t *testing.T) {
	srv := newEmulator(t)
	bad := newDriver(t, srv, func(c *glesys.Config) { c.APIKey = "wrong-key" })
	_, err := bad.ListServers(t.Context())
	if e := asDriverError(t, err); e.Class != fault.Unauthenticated {
		t.Errorf("wrong key: class %s, want unauthenticated", e.Class)
	}
	otherProject := newDriver(t, srv, func(c *glesys.Config) { c.Project = "cl99999" })
	_, err = otherProject.GetServer(t.Context(), glesystest.RunningID)
	if e := asDriverError(t, err); e.Class != fault.Unauthenticated {
		t.Errorf("wrong project: class %s, want unauthenticated", e.Class)
	}

	d := newDriver(t, srv)
	if _, err := d.GetServer(t.Context(), glesystest.RunningID); err != nil {
		t.Fatalf("GetServer with the right key: %v", err)
	}
	srv.SetAPIKey("rotated-key")
	before := srv.Count("/server/details")
	_, err = d.GetServer(t.Context(), glesystest.RunningID)
	if e := asDriverError(t, err); e.Class != fault.Unauthenticated {
		t.Errorf("revoked key: class %s, want unauthenticated", e.Class)
	}
	if n := srv.Count("/server/details") - before; n != 1 {
		t.Errorf("revoked key: %d calls, want 1", n)
	}
}

// TestTransportError: nothing listening is Unavailable, not a panic.
func TestTransportError(t *testing.T) {
	srv := glesystest.New()
	url := srv.URL
	srv.Close()
	d := newDriver(t, srv, func(c *glesys.Config) { c.BaseURL = url })
	_, err := d.ListServers(t.Context())
	if e := asDriverError(t, err); e.Class != fault.Unavailable || !strings.Contains(e.Message, "cannot reach GleSYS") {
		t.Errorf("got %s %q, want unavailable 'cannot reach GleSYS'", e.Class, e.Message)
	}
}
