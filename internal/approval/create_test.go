package approval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/store/storetest"
)

func TestCreateAssignsAndStores(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	in := newRequest(true, true)
	// Fields Create owns are ignored when the caller sets them.
	in.ID, in.State, in.Executor, in.DecidedBy = "r-mine", Approved, "someone", bob
	in.TargetName, in.TargetIP = "web-1", "192.0.2.10"
	in.Groups = []string{"discord-role:G1:R-ONCALL", "discord-role:G1:R-OPS"}
	got := f.ok(f.store.Create(ctx, in))

	if !regexp.MustCompile(`^r-[23456789abcdefghjkmnpqrstuvwxyz]{8}$`).MatchString(got.ID) {
		t.Errorf("id %q is not r- and 8 unambiguous characters", got.ID)
	}
	now := f.clock.Now()
	want := in
	want.ID, want.State, want.Executor, want.DecidedBy = got.ID, Confirming, "", ""
	want.CreatedAt, want.UpdatedAt, want.ExpiresAt = now, now, now.Add(testConfirmTTL)
	want.Version, want.Progress = got.Version, Progress{Percent: -1}
	if got.Version < 1 {
		t.Errorf("a new request has version %d, want its created event's", got.Version)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("created\n%+v\nwant\n%+v", got, want)
	}
	if stored := f.ok(f.store.Get(ctx, got.ID)); !reflect.DeepEqual(stored, got) {
		t.Fatalf("stored\n%+v\nreturned\n%+v", stored, got)
	}

	ids := map[string]bool{got.ID: true}
	for range 50 {
		ids[f.create(t, true, false).ID] = true
	}
	if len(ids) != 51 {
		t.Fatalf("51 creates gave %d distinct ids", len(ids))
	}
}

func TestCreateRefusesIncompleteRequests(t *testing.T) {
	tests := map[string]func(r *Request){
		"no principal":   func(r *Request) { r.Principal = "" },
		"no command":     func(r *Request) { r.Command = "" },
		"no hash":        func(r *Request) { r.ArgsHash = "" },
		"no salt":        func(r *Request) { r.Salt = nil },
		"no gate":        func(r *Request) { r.NeedsConfirm, r.NeedsApproval = false, false },
		"args not JSON":  func(r *Request) { r.Args = json.RawMessage(`{"image":`) },
		"reply not JSON": func(r *Request) { r.ReplyTo = json.RawMessage(`nope`) },
	}
	f := newFixture(t)
	for name, spoil := range tests {
		r := newRequest(true, true)
		spoil(&r)
		if got, err := f.store.Create(context.Background(), r); err == nil {
			t.Errorf("%s: created %s", name, got.ID)
		}
	}
	if all := f.ok2(f.store.List(context.Background(), Filter{})); len(all) != 0 {
		t.Fatalf("refused creates stored %d requests", len(all))
	}
}

func TestOpenOptions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := openDB(t, f.path)
	a, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Instance() == "" || a.Instance() == b.Instance() {
		t.Fatalf("default instances %q and %q", a.Instance(), b.Instance())
	}
	if a.ttl != 30*time.Minute || a.confirmTTL != 5*time.Minute || a.lease != 30*time.Second {
		t.Fatalf("defaults: ttl %s, confirm %s, lease %s", a.ttl, a.confirmTTL, a.lease)
	}
	if f.store.Instance() != "inst-a" {
		t.Fatalf("Instance() = %q", f.store.Instance())
	}
	if _, err := Open(ctx, db, Options{Lease: -time.Second}); err == nil {
		t.Fatal("negative lease accepted")
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	t0 := f.clock.Now()
	r1 := f.create(t, false, true) // alice, pending
	f.clock.Advance(time.Minute)
	other := newRequest(true, true)
	other.Principal = bob
	r2 := f.ok(f.store.Create(ctx, other)) // bob, confirming
	f.clock.Advance(time.Minute)
	r3 := f.create(t, true, true) // alice, cancelled
	f.ok(f.store.Cancel(ctx, r3.ID, alice))

	tests := []struct {
		name   string
		filter Filter
		want   []Request
	}{
		{"all, newest first", Filter{}, []Request{r3, r2, r1}},
		{"by state", Filter{States: []State{Pending}}, []Request{r1}},
		{"by states", Filter{States: []State{Pending, Cancelled}}, []Request{r3, r1}},
		{"by principal", Filter{Principal: alice}, []Request{r3, r1}},
		{"since", Filter{Since: t0.Add(time.Minute)}, []Request{r3, r2}},
		{"limit", Filter{Limit: 2}, []Request{r3, r2}},
		{"combined", Filter{States: []State{Confirming, Cancelled}, Principal: alice}, []Request{r3}},
		{"none", Filter{States: []State{Executing}}, nil},
	}
	for _, tt := range tests {
		got := f.ok2(f.store.List(ctx, tt.filter))
		if !slices.Equal(ids(got), ids(tt.want)) {
			t.Errorf("%s: got %v, want %v", tt.name, ids(got), ids(tt.want))
		}
	}
}

func ids(rs []Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func (f *fixture) ok2(rs []Request, err error) []Request {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return rs
}

// TestSecretsAreNotStored greps the database files for the password that
// went into ArgsHash.
func TestSecretsAreNotStored(t *testing.T) {
	// It reads the database's files; both engines store the values the
	// same code writes.
	storetest.SQLiteOnly(t, "reads the database file")
	f := newFixture(t)
	f.reach(t, Succeeded)
	f.reach(t, Interrupted)
	var raw []byte
	for _, p := range []string{f.path, f.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	if bytes.Contains(raw, []byte("hunter2")) {
		t.Fatal("the secret argument reached the database")
	}
	if !bytes.Contains(raw, []byte("[redacted]")) {
		t.Fatal("the database files do not hold the stored arguments; the check above proves nothing")
	}
}
