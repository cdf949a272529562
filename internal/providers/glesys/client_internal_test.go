package glesys

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// TestDefaultClientIsBounded: the client New makes has a timeout, since
// operation polls run outside the wrapper's per-call timeout.
func TestDefaultClientIsBounded(t *testing.T) {
	d, err := New(Config{Project: "cl1", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if d.http.Timeout != DefaultHTTPTimeout || DefaultHTTPTimeout <= 0 {
		t.Errorf("default client timeout %s, want %s", d.http.Timeout, DefaultHTTPTimeout)
	}
}

// TestRedirectNotFollowed: a redirect is not followed, with the default
// client or one the caller passes (which would follow it), so the
// Authorization header stays home; the answer is an error.
func TestRedirectNotFollowed(t *testing.T) {
	var stolen atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen.Add(1) }))
	t.Cleanup(evil.Close)
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(home.Close)
	for name, c := range map[string]*http.Client{"default": nil, "caller's": {}} {
		t.Run(name, func(t *testing.T) {
			d, err := New(Config{Project: "cl1", APIKey: "k", BaseURL: home.URL, HTTPClient: c})
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.GetServer(t.Context(), "kvm1")
			if fault.ClassOf(err) != fault.Internal || !errors.Is(err, wire.ErrRedirect) {
				t.Errorf("GetServer through a redirect: %v, want internal wrapping wire.ErrRedirect", err)
			}
			if c != nil && c.CheckRedirect != nil {
				t.Error("the caller's client was modified")
			}
		})
	}
	if n := stolen.Load(); n != 0 {
		t.Errorf("the redirect was followed %d times", n)
	}
}
