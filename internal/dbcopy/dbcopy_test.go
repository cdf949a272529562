package dbcopy

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/mcpserver"
	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var key = []byte("copy-test-audit-key-0123456789ab")

// installation fills db the way a running bot would: requests in several
// states with posts and claims, an audit chain (records with groups
// among them), an MCP nonce and key, a changed demo fleet.
func installation(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	l, err := audit.Open(ctx, db, audit.Options{HMACKey: key, Instance: "old-bot"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := approval.Open(ctx, db, approval.Options{Instance: "old-bot", Secret: key})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		salt := approval.NewSalt()
		r, err := s.Create(ctx, approval.Request{
			NeedsConfirm: i%2 == 0, NeedsApproval: true, Source: "slack", Principal: "slack:T1:alice",
			Groups: []string{"discord-role:G1:R9"}[:i%2], Command: "reinstall", Target: "demo-fra/fra-101",
			Args: json.RawMessage(`{"image":"debian-12"}`), Salt: salt,
			ArgsHash: approval.ArgsHash(salt, "reinstall", "demo-fra/fra-101", map[string]any{"image": "debian-12"}),
			Reason:   "p, admin, *, reinstall, approve", ReplyTo: json.RawMessage(`{"channel":"C1"}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddPost(ctx, approval.Post{RequestID: r.ID, Platform: "slack", Channel: "C9", MessageID: "17.00" + string(rune('0'+i))}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimPost(ctx, r.ID, "slack", "old-bot", time.Minute); err != nil {
			t.Fatal(err)
		}
		if r.NeedsConfirm {
			if _, err := s.Confirm(ctx, r.ID, "slack:T1:alice"); err != nil {
				t.Fatal(err)
			}
		}
		if i < 3 {
			if _, err := s.Approve(ctx, r.ID, "slack:T1:bob"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 20 {
		r := audit.Record{Source: "shell", Principal: "shell:alice", Command: "status", Target: "demo-fra/fra-101",
			Args: json.RawMessage(`{"n":` + string(rune('0'+i%10)) + `}`), Stage: audit.StageRequested}
		if i%3 == 0 {
			r.Source, r.Groups = "discord", []string{"discord-role:G1:R9"}
		}
		if _, err := l.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	n, err := mcpserver.OpenNonces(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Issue(ctx, "nonce-1", "mcp:laptop", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := mcpserver.StateKey(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	d, err := demo.NewDBStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	drv := demo.New(demo.Config{Name: "demo-fra", Store: d})
	if _, err := drv.Power(ctx, "fra-101", driver.PowerStop); err != nil {
		t.Fatal(err)
	}
}

// contents is everything a copy must carry, read through the stores.
type contents struct {
	Requests []approval.Request
	Changes  []approval.Change
	Posts    [][]approval.Post
	Records  []audit.Record
	Head     string
	StateKey []byte
	Servers  []driver.Server
}

func read(t *testing.T, db *store.DB) contents {
	t.Helper()
	ctx := context.Background()
	var c contents
	s, err := approval.Open(ctx, db, approval.Options{Instance: "reader", Secret: key})
	if err != nil {
		t.Fatal(err)
	}
	if c.Requests, err = s.List(ctx, approval.Filter{}); err != nil {
		t.Fatal(err)
	}
	if c.Changes, err = s.Feed(ctx, 0, 0); err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Requests {
		p, err := s.Posts(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.Posts = append(c.Posts, p)
	}
	l, err := audit.Open(ctx, db, audit.Options{HMACKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if c.Records, err = l.Query(ctx, audit.Filter{Limit: audit.MaxQueryLimit}); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Verify(ctx)
	if err != nil || rep.Err() != nil {
		t.Fatalf("verify %s: %v %v", db, err, rep.Err())
	}
	c.Head = rep.HeadHash
	if c.StateKey, err = mcpserver.StateKey(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	d, err := demo.NewDBStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if c.Servers, err = demo.New(demo.Config{Name: "demo-fra", Store: d}).ListServers(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCopySQLiteToPostgresAndBack(t *testing.T) {
	ctx := context.Background()
	sqliteFile := filepath.Join(t.TempDir(), "vpsops.db")
	src := storetest.Open(t, sqliteFile)
	installation(t, src)
	want := read(t, src)

	pg := storetest.Open(t, pgtest.URL(t))
	rep, err := Copy(ctx, src, pg, key)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows["audit_records"] != 20 || rep.Rows["approval_requests"] != 5 || !rep.Audit.OK || rep.Audit.HeadHash != want.Head {
		t.Fatalf("report %+v, want 20 records, 5 requests and head %s", rep, want.Head)
	}
	if got := read(t, pg); !reflect.DeepEqual(got, want) {
		t.Fatalf("PostgreSQL holds something else than the SQLite file:\n got %+v\nwant %+v", got, want)
	}

	// The copy goes on where the source stopped: one chain, later
	// versions.
	l, err := audit.Open(ctx, pg, audit.Options{HMACKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := l.Append(ctx, audit.Record{Source: "shell", Principal: "shell:bob", Command: "status", Stage: audit.StageRequested}); err != nil || r.Seq != 21 || r.PrevHash != want.Head {
		t.Fatalf("append after the copy: seq %d prev %s (%v), want 21 after %s", r.Seq, r.PrevHash, err, want.Head)
	}
	l.Close()
	s, err := approval.Open(ctx, pg, approval.Options{Instance: "new-bot", Secret: key})
	if err != nil {
		t.Fatal(err)
	}
	last := want.Changes[len(want.Changes)-1].Version
	r, err := s.Cancel(ctx, want.Requests[0].ID, "slack:T1:alice")
	if err != nil || r.Version <= last {
		t.Fatalf("the first change after the copy: version %d (%v), want one after %d", r.Version, err, last)
	}

	// A second copy into the now used database is refused, and writes
	// nothing.
	if _, err := Copy(ctx, src, pg, key); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("copy into a used database: %v, want %v", err, ErrNotEmpty)
	}

	// And back, into a new SQLite file.
	back := storetest.Open(t, filepath.Join(t.TempDir(), "back.db"))
	if _, err := Copy(ctx, pg, back, key); err != nil {
		t.Fatal(err)
	}
	if got, again := read(t, back), read(t, pg); !reflect.DeepEqual(got, again) {
		t.Fatalf("the SQLite copy of PostgreSQL differs:\n got %+v\nwant %+v", got, again)
	}
}

func TestCopyRefusesAChainThatDoesNotVerify(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t, filepath.Join(t.TempDir(), "vpsops.db"))
	installation(t, src)
	if _, err := src.ExecContext(ctx, `DROP TRIGGER audit_records_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := src.ExecContext(ctx, `UPDATE audit_records SET principal = 'shell:mallory' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	dst := storetest.Open(t, filepath.Join(t.TempDir(), "dst.db"))
	_, err := Copy(ctx, src, dst, key)
	if err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("copy of a tampered chain: %v", err)
	}
	if n, _ := store.Count(ctx, dst, "audit_records"); n != 0 {
		t.Fatalf("the refused copy wrote %d records", n)
	}
}
