package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/metrics"
)

// get fetches url and returns its status and body.
func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// /metrics over real HTTP serves the figures of the process's own
// registry, the vpsops ones beside the Go runtime's and the process's.
func TestMetricsAreScrapedOverHTTP(t *testing.T) {
	m := metrics.New()
	a := openApp(t, dbPath(t), m, app.Options{})
	must(t, a, shell("alice"), "poweroff demo-fra/fra-101") // stops at its gate
	must(t, a, shell("alice"), "status demo-fra/fra-101")
	mux := http.NewServeMux()
	(&metrics.Probes{Metrics: m, Ready: a.Ready}).Mount(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	status, body := get(t, srv.URL+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d %s", status, body)
	}
	for _, want := range []string{
		`vpsops_commands_total{command="status",outcome="ok"} 1`,
		`vpsops_commands_total{command="poweroff",outcome="needs_confirm"} 1`,
		`vpsops_gate_transitions_total{event="created"} 1`,
		`vpsops_gate_transitions_total{event="expired"} 0`,
		`vpsops_approvals_pending{state="confirming"} 1`,
		`vpsops_provider_calls_total{class="ok",op="get server",provider="demo-fra"}`,
		"vpsops_provider_call_duration_seconds_bucket",
		"vpsops_audit_append_duration_seconds_count",
		"go_goroutines", "process_start_time_seconds",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// A store that cannot be read drops its gauge, not the scrape.
	a.Close()
	status, body = get(t, srv.URL+"/metrics")
	if status != http.StatusOK || strings.Contains(body, "vpsops_approvals_pending{") || !strings.Contains(body, "vpsops_commands_total") {
		t.Fatalf("/metrics with the database closed: %d\n%s", status, body)
	}
	// ...and the replica is not ready.
	if status, body := get(t, srv.URL+"/readyz"); status != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the database closed: %d %s", status, body)
	}
}

// /readyz answers 200 "ready" while the check passes, and 503 with one
// line while it fails.
func TestReadyzFollowsItsCheck(t *testing.T) {
	var failing atomic.Bool
	mux := http.NewServeMux()
	(&metrics.Probes{Ready: func(context.Context) error {
		if failing.Load() {
			return errors.New("the database does not answer\nsecond line")
		}
		return nil
	}}).Mount(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	if status, body := get(t, srv.URL+"/readyz"); status != http.StatusOK || body != "ready\n" {
		t.Fatalf("/readyz with a passing check: %d %q", status, body)
	}
	failing.Store(true)
	status, body := get(t, srv.URL+"/readyz")
	if status != http.StatusServiceUnavailable || !strings.HasPrefix(body, "not ready: the database does not answer") ||
		strings.Count(body, "\n") != 1 {
		t.Fatalf("/readyz with a failing check: %d %q", status, body)
	}
	if status, _ := get(t, srv.URL+"/metrics"); status != http.StatusNotFound {
		t.Fatalf("/metrics served without a registry: %d", status)
	}
}
