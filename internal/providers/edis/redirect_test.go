package edis_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// thief is a host a redirect points at; it records every body it gets.
type thief struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newThief(t *testing.T) *thief {
	th := &thief{}
	th.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		th.mu.Lock()
		th.bodies = append(th.bodies, r.Method+" "+string(b))
		th.mu.Unlock()
		_, _ = w.Write([]byte(`{"status":"success"}`))
	}))
	t.Cleanup(th.Close)
	return th
}

func (th *thief) got() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.bodies...)
}

// TestRedirectNotFollowed: a 307/308 from the session host, the order
// host or an api_host is an internal error (a retry is redirected again) naming the redirect, and
// the form (password, signature, root or VNC password) never reaches the
// host it points at — with a caller-supplied client and the default one.
func TestRedirectNotFollowed(t *testing.T) {
	calls := []struct {
		name string
		path string
		warm bool // log in before injecting the fault
		run  func(ctx context.Context, d *edis.Driver) error
	}{
		{"login", edistest.PathAuth, false, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.ListServers(ctx)
			return err
		}},
		{"cancel", edistest.PathCancel, true, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.Destroy(ctx, edistest.RunningID)
			return err
		}},
		{"reinstall", "/kvm/v2/set/reinstall", true, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.Reinstall(ctx, edistest.RunningID, driver.ReinstallOptions{Image: edistest.Image, Password: "Root-Secret-Pw-77"})
			return err
		}},
		{"vnc", "/kvm/v2/set/vnc/enable", true, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.Console(ctx, edistest.RunningID)
			return err
		}},
	}
	clients := map[string]func(*edis.Config){
		"caller client":  nil,
		"default client": func(c *edis.Config) { c.HTTPClient = nil },
	}
	for cname, mod := range clients {
		for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			for _, c := range calls {
				t.Run(cname+"/"+c.name+"/"+http.StatusText(status), func(t *testing.T) {
					th := newThief(t)
					e := newEnv(t, mod)
					if c.warm {
						if _, err := e.d.ListServers(t.Context()); err != nil {
							t.Fatal(err)
						}
					}
					e.srv.Inject(edistest.Fault{Path: c.path, Status: status, Header: http.Header{"Location": {th.URL + "/steal"}}})
					err := c.run(t.Context(), e.d)
					if got := th.got(); len(got) != 0 {
						t.Errorf("the redirect target received %q", got)
					}
					de := driverErr(t, c.name, err)
					if de.Class != fault.Internal || !strings.Contains(de.Message, "redirect") || !errors.Is(err, wire.ErrRedirect) {
						t.Errorf("got %v (class %s), want internal naming the redirect", err, de.Class)
					}
					if n := e.srv.Count(c.path); n != 1 {
						t.Errorf("%s requests = %d, want 1", c.path, n)
					}
				})
			}
		}
	}
}

// TestCallerClientUntouched: New does not change the client it is given
// (other code may share it).
func TestCallerClientUntouched(t *testing.T) {
	hc := &http.Client{}
	cfg := edis.NewDefaultConfig()
	cfg.Email, cfg.Password, cfg.HTTPClient = "a@example.com", "pw", hc
	if _, err := edis.New(cfg); err != nil {
		t.Fatal(err)
	}
	if hc.CheckRedirect != nil {
		t.Error("New modified the caller's http.Client")
	}
}
