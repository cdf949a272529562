package cyberpanel

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

const testKey = "cyp_live_3ac4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c"

// TestDefaultClientIsBounded: the client New makes has a timeout, since
// operation polls run outside the wrapper's per-call timeout.
func TestDefaultClientIsBounded(t *testing.T) {
	d, err := New(Config{APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if d.hc.Timeout != defaultHTTPTimeout {
		t.Errorf("default client timeout %s, want %s", d.hc.Timeout, defaultHTTPTimeout)
	}
}

// TestRedirectNotFollowed: a redirect is not followed, with the default
// client or one the caller passes (which would follow it), so the Bearer
// key stays home; the answer is an error.
func TestRedirectNotFollowed(t *testing.T) {
	var stolen atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen.Add(1) }))
	t.Cleanup(evil.Close)
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(home.Close)
	for name, c := range map[string]*http.Client{"default": nil, "caller's": {}} {
		t.Run(name, func(t *testing.T) {
			d, err := New(Config{APIKey: testKey, BaseURL: home.URL + "/api/v1", HTTPClient: c})
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.GetServer(t.Context(), "45")
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

// TestProviderTextCannotDriveATerminal: an ESC in the API's own text (a
// body is the provider's, or whoever sits in between) never reaches a
// message, which is shown on somebody's terminal and kept in the audit.
func TestProviderTextCannotDriveATerminal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"success":false,"error_code":"SOMETHING_NEW","message":"odd\u001b]0;owned\u0007 answer"}`))
	}))
	t.Cleanup(srv.Close)
	d, err := New(Config{APIKey: testKey, BaseURL: srv.URL + "/api/v1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.GetServer(t.Context(), "45")
	if err == nil || !strings.Contains(err.Error(), "odd") || strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Fatalf("GetServer: %q, want the API's text without control characters", err)
	}
}
