package mcpserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/metrics"
)

// Over HTTP the server answers probes beside /mcp, with no token:
// /metrics from the process's registry, /readyz from the binary's check.
func TestHTTPServesMetricsAndReadiness(t *testing.T) {
	m := metrics.New()
	m.SetDuty("poster", true)
	f := newFixture(t, Options{PrincipalFrom: PrincipalFrom, Probes: &metrics.Probes{Metrics: m,
		Ready: func(context.Context) error { return errors.New("the database does not answer") }}})
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := NewTokens([]config.MCPToken{{Name: "ops", SHA256: HashToken(tok)}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(f.srv.HTTPHandler(tokens))
	defer hs.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get("/metrics"); status != http.StatusOK || !strings.Contains(body, `vpsops_duty_held{duty="poster"} 1`) {
		t.Fatalf("/metrics: %d\n%s", status, body)
	}
	if status, body := get("/readyz"); status != http.StatusServiceUnavailable || body != "not ready: the database does not answer\n" {
		t.Fatalf("/readyz: %d %q", status, body)
	}
	if status, body := get("/healthz"); status != http.StatusOK {
		t.Fatalf("/healthz: %d %q", status, body)
	}
}
