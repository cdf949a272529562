package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

var testKey = []byte("test-audit-key-0123456789abcdef")

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs this package's tests on PostgreSQL too.
func TestConformanceOnPostgres(t *testing.T) { storetest.RunOnPostgres(t) }

// openDB opens a fresh database of the engine under test.
func openDB(t testing.TB) (*store.DB, string) {
	t.Helper()
	path := storetest.Database(t)
	return reopenDB(t, path), path
}

func reopenDB(t testing.TB, path string) *store.DB {
	t.Helper()
	return storetest.Open(t, path)
}

// openLog opens a Log on db that is closed at the end of the test.
func openLog(t testing.TB, db *store.DB, o Options) *Log {
	t.Helper()
	l, err := Open(context.Background(), db, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// stepClock returns a clock that starts at start and advances one second
// per call, safe for concurrent use.
func stepClock(start time.Time) func() time.Time {
	var mu sync.Mutex
	next := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := next
		next = next.Add(time.Second)
		return t
	}
}

// rec is a typical record; i makes it distinct.
func rec(i int) Record {
	return Record{
		Source:    "shell",
		Principal: "shell:alice",
		Command:   "reboot",
		Target:    "demo-fra/srv-1",
		Args:      json.RawMessage(fmt.Sprintf(`{"server":"demo-fra/srv-1","n":%d}`, i)),
		Stage:     StageRequested,
	}
}

func mustAppend(t testing.TB, l *Log, r Record) Record {
	t.Helper()
	out, err := l.Append(context.Background(), r)
	if err != nil {
		t.Fatalf("append %s/%s: %v", r.Command, r.Stage, err)
	}
	return out
}

// mustVerify fails the test unless the chain verifies with want records.
func mustVerify(t testing.TB, l *Log, want int64) VerifyReport {
	t.Helper()
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if rep.Records != want {
		t.Fatalf("verify checked %d records, want %d", rep.Records, want)
	}
	return rep
}

// countRows counts the stored records directly.
func countRows(t testing.TB, db *store.DB) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// tamper runs SQL the way an attacker with write access would: after
// dropping the application's append-only triggers.
func tamper(t testing.TB, db *store.DB, stmts ...string) {
	t.Helper()
	drop := []string{
		`DROP TRIGGER IF EXISTS audit_records_no_update`,
		`DROP TRIGGER IF EXISTS audit_records_no_delete`,
		`DROP TRIGGER IF EXISTS audit_head_no_delete`,
	}
	if db.Engine() == store.Postgres {
		drop = []string{
			`DROP TRIGGER IF EXISTS audit_records_no_update ON audit_records`,
			`DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records`,
			`DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head`,
		}
	}
	for _, s := range append(drop, stmts...) {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("tamper %q: %v", s, err)
		}
	}
}
