package metrics_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/metrics"
)

// openApp opens the real wiring, measured by m, on the SQLite file db
// with the demo fleet running instantly; shell:alice is an admin.
func openApp(t testing.TB, db string, m *metrics.Metrics, o app.Options, change ...func(*config.Config)) *app.App {
	t.Helper()
	policy := filepath.Join(filepath.Dir(db), "policy.csv")
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+"\ng, shell:alice, admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Database = db
	cfg.Demo.Speed = 1000
	cfg.Policy.Policy = policy
	for _, c := range change {
		c(cfg)
	}
	o.Metrics = m
	a, err := app.Open(context.Background(), cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func dbPath(t testing.TB) string { return filepath.Join(t.TempDir(), "vpsops.db") }

func shell(user string) commands.Request {
	return commands.Request{Source: "shell", Principal: commands.Principal("shell:" + user), CanConfirm: true}
}

// run runs a chat line as q and returns the result and error.
func run(a *app.App, q commands.Request, line string) (commands.Result, error) {
	return a.Runner.RunText(context.Background(), q, line)
}

// must runs a chat line that must succeed.
func must(t testing.TB, a *app.App, q commands.Request, line string) commands.Result {
	t.Helper()
	res, err := run(a, q, line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return res
}
