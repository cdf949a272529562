package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// appendAs appends the requested record of an ungated command, as the
// process instance would, and leaves it without an outcome.
func appendAs(t *testing.T, path, instance, target string) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, path)
	l, err := audit.Open(ctx, db, audit.Options{Instance: instance})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Append(ctx, audit.Record{Source: "shell", Principal: "shell:alice", Command: "reboot",
		Target: target, Args: json.RawMessage(`{"server":"` + target + `"}`), Stage: audit.StageRequested}); err != nil {
		t.Fatal(err)
	}
}

// TestStartClosesWhatEndedProcessesLeftOpen: one process died in the
// middle of a command (it never withdrew its presence), another is still
// running one. Starting the app closes the first only.
func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs this package's tests on PostgreSQL too.
func TestConformanceOnPostgres(t *testing.T) { storetest.RunOnPostgres(t) }

func TestStartClosesWhatEndedProcessesLeftOpen(t *testing.T) {
	ctx := context.Background()
	path := storetest.Database(t)
	appendAs(t, path, "host/101/deaddd", "demo-fra/fra-101")
	live, err := store.Announce(ctx, storetest.Open(t, path), "host/102/livexx")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	appendAs(t, path, "host/102/livexx", "demo-fra/fra-102")

	cfg := config.Default()
	cfg.Database = path
	a, err := Open(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	recs, err := a.Audit.Query(ctx, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var interrupted []string
	for _, r := range recs {
		if r.Stage == audit.StageInterrupted {
			interrupted = append(interrupted, r.Target)
		}
	}
	if len(interrupted) != 1 || interrupted[0] != "demo-fra/fra-101" {
		t.Fatalf("interrupted records for %v, want only demo-fra/fra-101", interrupted)
	}
}

// TestReadyNeedsCurrentMigrations: /readyz fails for a database that lost
// a migration this process applied (restored from an older backup, say).
func TestReadyNeedsCurrentMigrations(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.Database = storetest.Database(t)
	a, err := Open(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Ready(ctx); err != nil {
		t.Fatalf("a fresh app is not ready: %v", err)
	}
	if _, err := a.DB.ExecContext(ctx, `DELETE FROM schema_migrations WHERE component = 'approval'`); err != nil {
		t.Fatal(err)
	}
	if err := a.Ready(ctx); err == nil || !strings.Contains(err.Error(), "migrations are not current") {
		t.Fatalf("Ready with the approval migrations gone: %v", err)
	}
}
