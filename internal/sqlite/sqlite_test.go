package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenUsesWAL(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "x.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
}

func TestManualCheckpointKeepsTheWALBounded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(ctx, path, Options{ManualCheckpoint: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var auto int
	if err := db.QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("wal_autocheckpoint = %d, %v", auto, err)
	}
	stop := Checkpointer(db, time.Hour, nil) // only the final checkpoint matters here
	if _, err := db.Exec("CREATE TABLE t (x BLOB)"); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		if _, err := db.Exec("INSERT INTO t VALUES (randomblob(8192))"); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() < 1<<20 {
		t.Fatalf("WAL before checkpoint: %v %v", st, err)
	}
	stop()
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() != 0 {
		t.Fatalf("WAL after the final checkpoint is %d bytes", st.Size())
	}
}

// TestOpenPathWithURICharacters: '%', '#' and '?' mean something in
// SQLite's URI form (escape, fragment, query); a file name that contains
// them must still be that file, not a mangled or truncated one.
func TestOpenPathWithURICharacters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"a%41#b?c.db", "100%.db", "q?_pragma=x", "#start.db"} {
		path := filepath.Join(dir, name)
		db, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("open %q: %v", name, err)
		}
		if _, err := db.Exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES (?)", name); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		var file string
		if err := db.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
			t.Fatal(err)
		}
		if file != path {
			t.Errorf("opened %q, want %q", file, path)
		}
		db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	// Relative paths too (the default database is ./vpsops.db).
	t.Chdir(dir)
	db, err := Open(ctx, "a%41#b?c.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.QueryRow("SELECT x FROM t").Scan(&got); err != nil || got != "a%41#b?c.db" {
		t.Fatalf("relative reopen read %q, %v", got, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch n := strings.TrimSuffix(strings.TrimSuffix(e.Name(), "-wal"), "-shm"); n {
		case "a%41#b?c.db", "100%.db", "q?_pragma=x", "#start.db":
		default:
			t.Errorf("stray file %q", e.Name())
		}
	}
}

// TestIsBusy: a write while another connection holds the write lock fails
// after BusyTimeout, and IsBusy recognises the error.
func TestIsBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	holder, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	waiter, err := Open(ctx, path, Options{BusyTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer waiter.Close()
	tx, err := holder.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	_, err = waiter.Exec("INSERT INTO t VALUES (1)")
	if !IsBusy(err) {
		t.Fatalf("insert under another's write lock: %v, want SQLITE_BUSY", err)
	}
	tx.Rollback()
	if _, err := waiter.Exec("INSERT INTO t VALUES (1)"); err != nil || IsBusy(err) {
		t.Fatalf("insert after the lock: %v", err)
	}
	if IsBusy(errors.New("database is locked")) || IsBusy(nil) {
		t.Fatal("IsBusy matched an error that is not SQLite's")
	}
}
