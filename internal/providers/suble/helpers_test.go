package suble_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// fastPoll keeps operations quick against the emulator.
const fastPoll = 2 * time.Millisecond

// newEmu starts an emulator closed at the end of the test.
func newEmu(t testing.TB, opts ...subletest.Option) *subletest.Server {
	t.Helper()
	srv := subletest.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newDriver returns a token driver against srv; edit may change the config.
func newDriver(t testing.TB, srv *subletest.Server, edit ...func(*suble.Config)) *suble.Driver {
	t.Helper()
	cfg := suble.Config{
		Project:      subletest.Project,
		Token:        subletest.Token,
		BaseURL:      srv.URL,
		HTTPClient:   srv.Client(),
		PollInterval: fastPoll,
	}
	for _, e := range edit {
		e(&cfg)
	}
	d, err := suble.New(cfg)
	if err != nil {
		t.Fatalf("suble.New: %v", err)
	}
	return d
}

// withLogin switches a config to email and password.
func withLogin(c *suble.Config) {
	c.Token, c.Email, c.Password = "", subletest.Email, subletest.Password
}

// requireClass fails unless err is a *fault.Error of class want.
func requireClass(t *testing.T, what string, err error, want fault.Class) *fault.Error {
	t.Helper()
	var e *fault.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v (%T), want a *fault.Error of class %s", what, err, err, want)
	}
	if e.Class != want {
		t.Fatalf("%s: class %s (%v), want %s", what, e.Class, err, want)
	}
	return e
}

// vpsPath is P/endpoint of id in the emulator's project.
func vpsPath(id, endpoint string) string {
	return "/projects/" + subletest.Project + "/products/" + id + "/vps/" + endpoint
}

const listPath = "/projects/" + subletest.Project + "/products"

// fakeClock is a Config.Clock that moves only when told, safe for the
// driver's goroutines.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
