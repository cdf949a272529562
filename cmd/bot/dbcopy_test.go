package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestDBCopyMovesTheShellsHistoryToPostgres is the move a team makes: a
// bot used on an SQLite file, then `bot db copy` to PostgreSQL, then the
// bot on PostgreSQL, which finds its history and a chain that verifies.
func TestDBCopyMovesTheShellsHistoryToPostgres(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vpsops.db")
	pg := pgtest.URL(t)
	writeConfig := func(name, database string) string {
		path := filepath.Join(dir, name)
		body := "database: " + database + "\naudit:\n  hmac_key: ${KEY}\nproviders:\n  - name: demo-fra\n    type: demo\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Setenv("KEY", "copy-test-audit-key-0123456789ab")
	t.Setenv("PGDB", pg)
	onFile, onPG := writeConfig("file.yaml", file), writeConfig("pg.yaml", "${PGDB}")

	var out, errOut bytes.Buffer
	if code := run([]string{"--config", onFile, "--shell", "--as", "shell:alice"}, strings.NewReader("status demo-fra/fra-101\nreboot demo-fra/fra-101\n"), &out, &errOut); code != 0 {
		t.Fatalf("bot on the file: exit %d: %s", code, errOut.String())
	}

	out.Reset()
	errOut.Reset()
	if code := run([]string{"db", "copy", "--config", onFile, "--from", file, "--to", pg}, nil, &out, &errOut); code != 0 {
		t.Fatalf("db copy: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "audit_records 4") || !strings.Contains(out.String(), "audit chain verified in the copy: 4 records") {
		t.Fatalf("db copy said:\n%s", out.String())
	}

	out.Reset()
	errOut.Reset()
	if code := run([]string{"--config", onPG, "--shell", "--as", "shell:alice"}, strings.NewReader("audit verify\n"), &out, &errOut); code != 0 {
		t.Fatalf("bot on PostgreSQL: exit %d: %s", code, errOut.String())
	}
	// The 4 copied records, and perhaps already the verify command's own
	// requested record: it is appended without waiting, so it may or may
	// not have committed before the verify's snapshot.
	var n int
	said := out.String()
	if i := strings.Index(said, "Audit trail intact: "); i >= 0 {
		fmt.Sscanf(said[i:], "Audit trail intact: %d records verified", &n)
	}
	if n < 4 || n > 5 {
		t.Fatalf("audit verify on PostgreSQL said:\n%s", out.String())
	}

	// Copying again into the used database is refused, with one line.
	out.Reset()
	errOut.Reset()
	if code := run([]string{"db", "copy", "--config", onFile, "--from", file, "--to", pg}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "not empty") || strings.Count(errOut.String(), "\n") != 1 {
		t.Fatalf("second copy: exit %d, %q", code, errOut.String())
	}
	if code := run([]string{"db", "copy", "--from", file}, nil, &out, &errOut); code != 2 {
		t.Fatalf("copy without --to: exit %d", code)
	}
}
