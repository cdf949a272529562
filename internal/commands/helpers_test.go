package commands_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/testutil"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// testApp opens the real wiring on a fresh SQLite file with the demo fleet
// running instantly. Logs are captured so tests can search them.
type testApp struct {
	*app.App
	logs *testutil.LogBuffer
	path string
}

func newTestApp(t testing.TB, mutate ...func(*config.Config)) *testApp {
	t.Helper()
	return openTestApp(t, filepath.Join(t.TempDir(), "vpsops.db"), mutate...)
}

func openTestApp(t testing.TB, path string, mutate ...func(*config.Config)) *testApp {
	t.Helper()
	cfg := config.Default()
	cfg.Database = path
	cfg.Demo.Speed = 1000 // instant
	for _, m := range mutate {
		m(cfg)
	}
	logs := &testutil.LogBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.Open(context.Background(), cfg, app.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return &testApp{App: a, logs: logs, path: path}
}

func shellReq(principal string) commands.Request {
	return commands.Request{Source: "shell", Principal: commands.Principal(principal), CanConfirm: true}
}

// run runs a chat line and fails the test on error.
func (a *testApp) run(t testing.TB, q commands.Request, line string) commands.Result {
	t.Helper()
	res, err := a.Runner.RunText(context.Background(), q, line)
	if err != nil {
		t.Fatalf("%s: %q: %v", q.Principal, line, err)
	}
	return res
}

// fail runs a chat line that must fail and returns the error.
func (a *testApp) fail(t testing.TB, q commands.Request, line string) error {
	t.Helper()
	res, err := a.Runner.RunText(context.Background(), q, line)
	if err == nil {
		t.Fatalf("%s: %q succeeded: %s", q.Principal, line, commands.Plain(res, true))
	}
	return err
}

// stages returns the audit stages recorded, oldest first, optionally only
// those of one approval request.
func (a *testApp) stages(t testing.TB, approvalID string) []string {
	t.Helper()
	recs, err := a.Audit.Query(context.Background(), audit.Filter{ApprovalID: approvalID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(recs) - 1; i >= 0; i-- {
		out = append(out, string(recs[i].Stage))
	}
	return out
}

func (a *testApp) lastRecord(t testing.TB) audit.Record {
	t.Helper()
	recs, err := a.Audit.Query(context.Background(), audit.Filter{Limit: 1})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no audit record: %v", err)
	}
	return recs[0]
}

func contains(t testing.TB, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Fatalf("%q does not contain %q", s, want)
	}
}
