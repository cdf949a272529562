package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestMigrateIsIdempotentAcrossOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	migs := []string{"CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y TEXT)", "ALTER TABLE a ADD COLUMN z TEXT"}
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := Migrate(ctx, db, "t", migs); err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO a(x, z) VALUES(1, 'q')"); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM a").Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows = %d, %v; want 2", n, err)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
}

func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Migrate(ctx, db, "t", []string{"CREATE TABLE a (x INTEGER);\nNOT SQL"}); err == nil {
		t.Fatal("bad migration succeeded")
	}
	if _, err := db.Exec("SELECT * FROM a"); err == nil {
		t.Fatal("half-applied migration left table a behind")
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
