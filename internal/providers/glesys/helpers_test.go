package glesys_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// newEmulator starts an emulator closed at the end of t.
func newEmulator(t testing.TB, opts ...glesystest.Option) *glesystest.Server {
	t.Helper()
	srv := glesystest.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newDriver points a driver with a fast poll at srv.
func newDriver(t testing.TB, srv *glesystest.Server, edit ...func(*glesys.Config)) *glesys.Driver {
	t.Helper()
	cfg := glesys.NewDefaultConfig()
	cfg.Project, cfg.APIKey = glesystest.Project, glesystest.APIKey
	cfg.BaseURL = srv.URL
	cfg.HTTPClient = srv.Client()
	cfg.PollInterval = time.Millisecond
	cfg.Logger = slog.New(slog.DiscardHandler)
	for _, e := range edit {
		e(&cfg)
	}
	d, err := glesys.New(cfg)
	if err != nil {
		t.Fatalf("glesys.New: %v", err)
	}
	return d
}

// wait waits for op to end.
func wait(t *testing.T, op *driver.Operation) error {
	t.Helper()
	if op == nil {
		t.Fatal("nil operation")
	}
	if op.Wait == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	return op.Wait(ctx, func(driver.Progress) {})
}

// asDriverError returns err's *fault.Error or fails t.
func asDriverError(t *testing.T, err error) *fault.Error {
	t.Helper()
	var e *fault.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *fault.Error", err, err)
	}
	return e
}
