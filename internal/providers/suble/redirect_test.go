package suble_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// TestRedirectNotFollowed: an API that answers 307 (which would make Go
// repeat the login body or the signed POST) gets an Unavailable error, and
// the server it points to is never reached, whichever client is used.
func TestRedirectNotFollowed(t *testing.T) {
	tests := []struct {
		name   string
		client *http.Client // nil: the driver's default
		login  bool
	}{
		{"default client, login", nil, true},
		{"caller's client, login", &http.Client{}, true},
		{"caller's client, token", &http.Client{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var reached atomic.Int32
			second := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
			defer second.Close()
			first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, second.URL+r.URL.Path, http.StatusTemporaryRedirect)
			}))
			defer first.Close()
			cfg := suble.Config{Project: subletest.Project, Token: subletest.Token, BaseURL: first.URL, HTTPClient: tc.client, PollInterval: fastPoll}
			if tc.login {
				withLogin(&cfg)
			}
			d, err := suble.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Power(t.Context(), subletest.RunningID, driver.PowerStop)
			e := requireClass(t, "Power(redirected)", err, fault.Internal)
			if !strings.Contains(e.Message, "redirect (HTTP 307), which is not followed") || !errors.Is(err, wire.ErrRedirect) {
				t.Errorf("error %v does not say the redirect was not followed", err)
			}
			if n := reached.Load(); n != 0 {
				t.Errorf("the redirect target received %d requests", n)
			}
			if tc.client != nil && tc.client.CheckRedirect != nil {
				t.Error("the caller's client was modified")
			}
		})
	}
}
