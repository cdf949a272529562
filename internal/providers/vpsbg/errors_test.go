package vpsbg_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

const detailsPath = "/servers/" + vpsbgtest.RunningID

// asDriverError fails the test unless err is a *fault.Error.
func asDriverError(t *testing.T, err error) *fault.Error {
	t.Helper()
	var e *fault.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *fault.Error", err, err)
	}
	if strings.ContainsAny(e.Message, "\r\n") {
		t.Errorf("message %q is not one line", e.Message)
	}
	return e
}

// TestFaultClasses injects each fault on the details read and checks the
// class GetServer reports, and that the driver made exactly one call.
func TestFaultClasses(t *testing.T) {
	tests := []struct {
		name  string
		fault vpsbgtest.Fault
		want  fault.Class
		busy  bool
		retry time.Duration
		msg   string
	}{
		{"401", vpsbgtest.Fault{Status: 401, Body: `{"message":"Unauthenticated."}`}, fault.Unauthenticated, false, 0, "API token"},
		{"403", vpsbgtest.Fault{Status: 403}, fault.PermissionDenied, false, 0, "not allowed"},
		{"404", vpsbgtest.Fault{Status: 404, Body: `{"message":"No query results for model [App\\Models\\Server] 2864"}`}, fault.NotFound, false, 0, "server 2864 not found"},
		{"404 route", vpsbgtest.Fault{Status: 404, Body: `{"message":"The route v1/servers/2864 could not be found."}`}, fault.Unsupported, false, 0, "no GET /servers/2864 endpoint"},
		{"405", vpsbgtest.Fault{Status: 405}, fault.Unsupported, false, 0, "endpoint"},
		{"409", vpsbgtest.Fault{Status: 409, Body: `{"message":"Conflicting state."}`}, fault.Conflict, false, 0, "Conflicting state."},
		{"422", vpsbgtest.Fault{Status: 422, Body: `{"message":"The id is invalid.","errors":{"id":["The id is invalid."]}}`}, fault.Invalid, false, 0, "The id is invalid."},
		{"423", vpsbgtest.Fault{Status: 423}, fault.Conflict, true, 0, "locked"},
		{"429 Retry-After", vpsbgtest.Fault{Status: 429, RetryAfter: 3 * time.Second}, fault.RateLimited, false, 3 * time.Second, "rate limit"},
		{"429 HTTP date", vpsbgtest.Fault{Status: 429, Header: http.Header{"Retry-After": {"Sun, 29 Sep 2024 12:00:07 GMT"}}}, fault.RateLimited, false, 7 * time.Second, "rate limit"},
		{"429 reset only", vpsbgtest.Fault{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {"1727611210"}}}, fault.RateLimited, false, 10 * time.Second, "rate limit"},
		{"500", vpsbgtest.Fault{Status: 500}, fault.Unavailable, false, 0, "500"},
		{"503 html", vpsbgtest.Fault{Status: 503, Body: "<html>maintenance</html>", ContentType: "text/html"}, fault.Unavailable, false, 0, "503"},
		{"302", vpsbgtest.Fault{Status: 302, Header: http.Header{"Location": {"https://vpsbg.eu/login"}}}, fault.Internal, false, 0, "redirect"},
		{"garbage", vpsbgtest.Fault{Status: 200, Body: "\x00\x01 not json"}, fault.Unavailable, false, 0, "malformed response from VPSBG"},
		{"truncated", vpsbgtest.Fault{Status: 200, Body: `{"id": 2864, "hostname": "ubu`}, fault.Unavailable, false, 0, "malformed response from VPSBG"},
		{"wrong server", vpsbgtest.Fault{Status: 200, Body: `{"id": 1}`}, fault.Unavailable, false, 0, "malformed"},
		{"huge", vpsbgtest.Fault{Status: 200, Body: `"` + strings.Repeat("x", 5<<20) + `"`}, fault.Unavailable, false, 0, "exceeds 4 MiB"},
	}
	now := time.Date(2024, 9, 29, 12, 0, 0, 0, time.UTC)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, srv := newDriverWith(t, func(c *vpsbg.Config) { c.Clock = func() time.Time { return now } })
			f := tc.fault
			f.Method, f.Path, f.Times = http.MethodGet, detailsPath, 1
			srv.Inject(f)
			s, err := d.GetServer(t.Context(), vpsbgtest.RunningID)
			if s != nil {
				t.Errorf("GetServer returned a server with its error: %+v", s)
			}
			e := asDriverError(t, err)
			if e.Class != tc.want || e.Busy != tc.busy || e.RetryAfter != tc.retry {
				t.Errorf("got class %s busy %v retry %s (%v), want %s busy %v retry %s",
					e.Class, e.Busy, e.RetryAfter, err, tc.want, tc.busy, tc.retry)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if n := srv.Count(http.MethodGet, detailsPath); n != 1 {
				t.Errorf("driver made %d details requests, want exactly 1 (no retry of its own)", n)
			}
		})
	}
}

// TestSlowResponse: a delay past the caller's deadline surfaces as an
// Unavailable error with the context's error in its chain.
func TestSlowResponse(t *testing.T) {
	d, srv := newDriver(t)
	srv.Inject(vpsbgtest.Fault{Path: detailsPath, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := d.GetServer(ctx, vpsbgtest.RunningID)
	e := asDriverError(t, err)
	if e.Class != fault.Unavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %s %v, want unavailable wrapping context.DeadlineExceeded", e.Class, err)
	}
}

func TestConnectionRefused(t *testing.T) {
	d, srv := newDriver(t)
	srv.Close()
	_, err := d.ListServers(t.Context())
	if e := asDriverError(t, err); e.Class != fault.Unavailable || !strings.Contains(e.Message, "cannot reach VPSBG") {
		t.Fatalf("got %s %q, want unavailable \"cannot reach VPSBG\"", e.Class, e.Message)
	}
}

// TestAuth covers the token rules the emulator enforces like the API.
func TestAuth(t *testing.T) {
	t.Run("wrong token", func(t *testing.T) {
		d, _ := newDriverWith(t, func(c *vpsbg.Config) { c.Token = "not-the-token" })
		_, err := d.ListServers(t.Context())
		if e := asDriverError(t, err); e.Class != fault.Unauthenticated {
			t.Fatalf("class %s (%v), want unauthenticated", e.Class, err)
		}
	})
	t.Run("revoked token", func(t *testing.T) {
		d, srv := newDriver(t)
		if _, err := d.GetServer(t.Context(), vpsbgtest.RunningID); err != nil {
			t.Fatal(err)
		}
		srv.Revoke(vpsbgtest.DefaultWriteToken)
		_, err := d.GetServer(t.Context(), vpsbgtest.RunningID)
		if e := asDriverError(t, err); e.Class != fault.Unauthenticated {
			t.Fatalf("class %s (%v), want unauthenticated", e.Class, err)
		}
	})
	t.Run("read token cannot act", func(t *testing.T) {
		d, srv := newDriverWith(t, func(c *vpsbg.Config) { c.Token = vpsbgtest.DefaultReadToken })
		if _, err := d.GetServer(t.Context(), vpsbgtest.RunningID); err != nil {
			t.Fatalf("GetServer with a Read token: %v", err)
		}
		_, err := d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerStop)
		if e := asDriverError(t, err); e.Class != fault.PermissionDenied || !strings.Contains(e.Message, "Write token") {
			t.Fatalf("got %s %q, want permission_denied naming the Write token", e.Class, e.Message)
		}
		if n := srv.Count(http.MethodPost, detailsPath+"/stop"); n != 1 {
			t.Errorf("%d stop requests, want 1", n)
		}
	})
	t.Run("read token for reads, write token for actions", func(t *testing.T) {
		d, srv := newDriverWith(t, func(c *vpsbg.Config) { c.ReadToken = vpsbgtest.DefaultReadToken },
			vpsbgtest.WithTokens(vpsbgtest.DefaultWriteToken, vpsbgtest.DefaultReadToken))
		srv.Revoke(vpsbgtest.DefaultWriteToken) // reads must not need it
		if _, err := d.ListServers(t.Context()); err != nil {
			t.Fatalf("ListServers with the Read token: %v", err)
		}
		if _, err := d.Power(t.Context(), vpsbgtest.RunningID, driver.PowerStop); fault.ClassOf(err) != fault.Unauthenticated {
			t.Fatalf("Power with the revoked Write token: %v, want unauthenticated", err)
		}
	})
}

func TestInvalidServerID(t *testing.T) {
	d, srv := newDriver(t)
	for _, id := range []string{"abc", "0", "-1", "012", "1.5"} {
		_, err := d.GetServer(t.Context(), id)
		if e := asDriverError(t, err); e.Class != fault.Invalid {
			t.Errorf("GetServer(%q): class %s, want invalid", id, e.Class)
		}
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("invalid ids made %d requests", n)
	}
}
