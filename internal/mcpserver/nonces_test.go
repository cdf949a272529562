package mcpserver

import (
	"bytes"
	"context"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

var t0 = time.Date(2026, 7, 28, 12, 0, 0, 0, time.UTC)

// openDB opens (creating) the database at path, closed with the test.
func openDB(t testing.TB, path string) *store.DB {
	t.Helper()
	return storetest.Open(t, path)
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs the nonce and state tests on PostgreSQL.
func TestConformanceOnPostgres(t *testing.T) {
	storetest.RunOnPostgres(t, "^Test(Nonces|Seal|Open|GeneratedStateKey|ConfiguredStateKey)")
}

func newNonces(t testing.TB, db *store.DB) *Nonces {
	t.Helper()
	n, err := OpenNonces(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNoncesAreUsedOnce(t *testing.T) {
	ctx := context.Background()
	n := newNonces(t, openDB(t, storetest.Database(t)))
	exp := t0.Add(time.Minute)
	if err := n.Issue(ctx, "n1", "mcp:alice", exp); err != nil {
		t.Fatal(err)
	}
	if err := n.Issue(ctx, "n1", "mcp:alice", exp); err == nil {
		t.Fatal("a nonce was issued twice")
	}
	if ok, err := n.Consume(ctx, "n1", "mcp:bob", t0); err != nil || ok {
		t.Fatalf("another principal used alice's nonce: %v %v", ok, err)
	}
	if ok, err := n.Consume(ctx, "never", "mcp:alice", t0); err != nil || ok {
		t.Fatalf("a nonce never issued was used: %v %v", ok, err)
	}
	if ok, err := n.Consume(ctx, "n1", "mcp:alice", t0); err != nil || !ok {
		t.Fatalf("first use refused: %v %v", ok, err)
	}
	if ok, err := n.Consume(ctx, "n1", "mcp:alice", t0); err != nil || ok {
		t.Fatalf("second use allowed: %v %v", ok, err)
	}
}

func TestNoncesExpire(t *testing.T) {
	ctx := context.Background()
	n := newNonces(t, openDB(t, storetest.Database(t)))
	exp := t0.Add(time.Minute)
	if err := n.Issue(ctx, "n1", "mcp:alice", exp); err != nil {
		t.Fatal(err)
	}
	if ok, err := n.Consume(ctx, "n1", "mcp:alice", exp); err != nil || ok {
		t.Fatalf("a nonce was used at its expiry: %v %v", ok, err)
	}
	if ok, err := n.Consume(ctx, "n1", "mcp:alice", exp.Add(-time.Nanosecond)); err != nil || !ok {
		t.Fatalf("a nonce was refused just before its expiry: %v %v", ok, err)
	}
}

func TestNoncesPrune(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, storetest.Database(t))
	n := newNonces(t, db)
	for _, x := range []struct {
		nonce string
		exp   time.Time
	}{{"old-used", t0}, {"old-unused", t0.Add(-time.Hour)}, {"live", t0.Add(time.Nanosecond)}} {
		if err := n.Issue(ctx, x.nonce, "p", x.exp); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := n.Consume(ctx, "old-used", "p", t0.Add(-time.Second)); err != nil || !ok {
		t.Fatal(ok, err)
	}
	pruned, err := n.Prune(ctx, t0)
	if err != nil || pruned != 2 {
		t.Fatalf("Prune = %d, %v; want the 2 expired rows", pruned, err)
	}
	var left []string
	rows, err := db.QueryContext(context.Background(), `SELECT nonce FROM mcp_nonces`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		left = append(left, s)
	}
	if len(left) != 1 || left[0] != "live" {
		t.Fatalf("after Prune the table holds %q, want only the live nonce", left)
	}
}

// TestGeneratedStateKeyIsSharedByTheDatabase: two processes (two *store.DB on
// one file) starting at once agree on one generated key, which later calls
// return again.
func TestGeneratedStateKeyIsSharedByTheDatabase(t *testing.T) {
	ctx := context.Background()
	path := storetest.Database(t)
	dbs := []*store.DB{openDB(t, path), openDB(t, path)}
	keys := make([][]byte, 8)
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = StateKey(ctx, dbs[i%2], nil) })
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if len(keys[i]) != StateKeySize || !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("key %d differs from key 0 (or is not %d bytes)", i, StateKeySize)
		}
	}
	if bytes.Equal(keys[0], make([]byte, StateKeySize)) {
		t.Fatal("the generated key is all zeros")
	}
	again, err := StateKey(ctx, openDB(t, path), nil)
	if err != nil || !bytes.Equal(again, keys[0]) {
		t.Fatalf("a later start got another key (%v)", err)
	}
	other, err := StateKey(ctx, openDB(t, storetest.Database(t)), nil)
	if err != nil || bytes.Equal(other, keys[0]) {
		t.Fatalf("two databases generated the same key (%v)", err)
	}
}

// TestConfiguredStateKeyIsStable: the derivation from a configured secret
// never changes (a change would void every state in flight across an
// upgrade, and split processes of two versions), ignores the database,
// and is not the secret itself.
func TestConfiguredStateKeyIsStable(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, storetest.Database(t))
	secret := []byte("0123456789abcdef0123")
	key, err := StateKey(ctx, db, secret)
	if err != nil {
		t.Fatal(err)
	}
	// HKDF-SHA256(secret, salt none, info "vpsops/mcp/request-state/v1"),
	// computed independently with:
	//   python3 -c 'import hmac,hashlib; prk=hmac.new(b"\0"*32,b"0123456789abcdef0123",hashlib.sha256).digest(); print(hmac.new(prk,b"vpsops/mcp/request-state/v1\x01",hashlib.sha256).hexdigest())'
	const want = "f73e6be0ac1667289ad44324f6a1668ae12374caa8364c60a8fddc9e878ecb27"
	if got := hex.EncodeToString(key); got != want {
		t.Fatalf("derived key = %s, want %s", got, want)
	}
	if again, _ := StateKey(ctx, openDB(t, storetest.Database(t)), secret); !bytes.Equal(again, key) {
		t.Fatal("the same secret derived another key on another database")
	}
	var stored int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM schema_migrations WHERE component = 'mcp'`).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("a configured key touched the database (%d, %v)", stored, err)
	}
	if _, err := StateKey(ctx, db, []byte("short")); err == nil {
		t.Fatal("a 5-byte configured secret was taken")
	}
}
