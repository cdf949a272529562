package edis_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/testutil"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// env is a driver pointed at a fresh emulator.
type env struct {
	srv *edistest.Server
	d   *edis.Driver
	log *testutil.LogBuffer
}

// newEnv starts an emulator with opts and a driver on it; mod adjusts the
// driver's config. Poll intervals are 1 ms; logs go to a buffer at debug.
func newEnv(t testing.TB, mod func(*edis.Config), opts ...edistest.Option) *env {
	t.Helper()
	srv := edistest.New(opts...)
	t.Cleanup(srv.Close)
	return newEnvOn(t, srv, mod)
}

// newEnvOn is newEnv on an emulator the caller started.
func newEnvOn(t testing.TB, srv *edistest.Server, mod func(*edis.Config)) *env {
	t.Helper()
	buf := &testutil.LogBuffer{}
	cfg := edis.NewDefaultConfig()
	cfg.Email, cfg.Password = edistest.Email, edistest.Password
	cfg.SessionURL, cfg.OrderURL, cfg.APIScheme = srv.URL, srv.URL, "http"
	cfg.HTTPClient = srv.Client()
	cfg.PollInterval = time.Millisecond
	cfg.Logger = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if mod != nil {
		mod(&cfg)
	}
	d, err := edis.New(cfg)
	if err != nil {
		t.Fatalf("edis.New: %v", err)
	}
	return &env{srv: srv, d: d, log: buf}
}

// classOf returns err's *fault.Error, failing the test if it is not one.
func driverErr(t *testing.T, what string, err error) *fault.Error {
	t.Helper()
	var e *fault.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v (%T) is not a *fault.Error", what, err, err)
	}
	return e
}

// wait runs op to the end.
func wait(t *testing.T, op *driver.Operation) []driver.Progress {
	t.Helper()
	if op == nil {
		t.Fatal("nil operation")
	}
	if op.Wait == nil {
		return nil
	}
	var got []driver.Progress
	if err := op.Wait(t.Context(), func(p driver.Progress) { got = append(got, p) }); err != nil {
		t.Fatalf("wait for %q: %v", op.Description, err)
	}
	return got
}

func errorsIsDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// testTransport wraps the emulator's transport: it can send every request
// to the emulator whatever its URL says (so a driver configured with
// EDIS's real host names talks to the emulator), and run a hook before
// each request.
type testTransport struct {
	base   http.RoundTripper
	to     string              // "host:port" to send everything to; "" = as addressed
	before func(*http.Request) // may be nil
}

func (tt *testTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if tt.before != nil {
		tt.before(r)
	}
	if tt.to != "" {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = "http", tt.to, ""
	}
	return tt.base.RoundTrip(r)
}

// hostPort is the "host:port" of an emulator URL.
func hostPort(rawURL string) string { return strings.TrimPrefix(rawURL, "http://") }
