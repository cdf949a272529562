package metrics_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/metrics/metricstest"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

const (
	providerCalls = "vpsops_provider_calls_total"
	providerTime  = "vpsops_provider_call_duration_seconds"
)

// withVPSBG configures the provider bg against the emulator at url.
func withVPSBG(t testing.TB, url string) func(*config.Config) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vpsops.yaml")
	yaml := fmt.Sprintf("providers:\n  - {name: bg, type: vpsbg, token: %s, base_url: %q, poll_interval: 10ms}\n", vpsbgtest.DefaultWriteToken, url)
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := app.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return func(c *config.Config) { c.Providers = loaded.Providers }
}

// A provider call is counted once with its class, however many times it
// was retried; the emulator shows the retries happened.
func TestProviderCallsAreCountedOncePerCallWithTheirClass(t *testing.T) {
	emu := vpsbgtest.New()
	defer emu.Close()
	m := metrics.New()
	a := openApp(t, dbPath(t), m, app.Options{}, withVPSBG(t, emu.URL))
	alice := shell("alice")
	server := "/servers/" + vpsbgtest.RunningID

	must(t, a, alice, "status bg/"+vpsbgtest.RunningID)
	metricstest.Want(t, m.Registry(), 1, providerCalls, "provider", "bg", "op", "get server", "class", "ok")

	// 500 on every read: retried, then given up as one unavailable call.
	emu.Inject(vpsbgtest.Fault{Method: http.MethodGet, Path: server, Status: http.StatusInternalServerError})
	before := emu.Count(http.MethodGet, server)
	if _, err := run(a, alice, "status bg/"+vpsbgtest.RunningID); fault.ClassOf(err) != fault.Unavailable {
		t.Fatalf("status against a failing API: %v", err)
	}
	if tries := emu.Count(http.MethodGet, server) - before; tries < 2 {
		t.Fatalf("the emulator saw %d requests: the call was not retried", tries)
	}
	metricstest.Want(t, m.Registry(), 1, providerCalls, "provider", "bg", "op", "get server", "class", string(fault.Unavailable))
	emu.ClearFaults()

	// 429 asking for a longer pause than a person waits: not retried,
	// counted rate_limited.
	emu.Inject(vpsbgtest.Fault{Method: http.MethodGet, Path: server, Status: http.StatusTooManyRequests, RetryAfter: time.Minute})
	if _, err := run(a, alice, "status bg/"+vpsbgtest.RunningID); fault.ClassOf(err) != fault.RateLimited {
		t.Fatalf("status against a rate-limited API: %v", err)
	}
	metricstest.Want(t, m.Registry(), 1, providerCalls, "provider", "bg", "op", "get server", "class", string(fault.RateLimited))
	// Every call, whatever its class, is timed.
	metricstest.Want(t, m.Registry(), 3, providerTime, "provider", "bg", "op", "get server")
}
