package sqlite

import (
	"context"
	"path/filepath"
	"testing"
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
