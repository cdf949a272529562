package approval

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// fakeClock is a clock tests move by hand; every Store of a test shares one.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	testTTL        = 30 * time.Minute
	testConfirmTTL = 5 * time.Minute
	testLease      = 30 * time.Second

	alice = "slack:T1:alice" // the requester
	bob   = "slack:T1:bob"   // an approver
)

// testArgs are the full arguments, secret included, of the test action.
func testArgs() map[string]any {
	return map[string]any{"image": "debian-12", "password": "hunter2", "ssh_keys": []any{"k1", "k2"}}
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs this package's tests on PostgreSQL too.
func TestConformanceOnPostgres(t *testing.T) { storetest.RunOnPostgres(t) }

// openDB opens a connection pool on the database at path (a file, or a
// PostgreSQL URL), closed when the test ends. Each call is a separate
// pool, as another process would have.
func openDB(t *testing.T, path string) *store.DB {
	t.Helper()
	return storetest.Open(t, path)
}

func newStore(t *testing.T, db *store.DB, clk *fakeClock, instance string) *Store {
	t.Helper()
	s, err := Open(context.Background(), db, Options{
		TTL: testTTL, ConfirmTTL: testConfirmTTL, Lease: testLease, Clock: clk.Now, Instance: instance,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture is one store on a fresh database file.
type fixture struct {
	t     *testing.T
	path  string
	clock *fakeClock
	store *Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	path := storetest.Database(t)
	clk := newClock()
	return &fixture{t: t, path: path, clock: clk, store: newStore(t, openDB(t, path), clk, "inst-a")}
}

// newRequest is what the command layer would ask for: a reinstall by alice
// with its salt and the hash of its full arguments.
func newRequest(confirm, approval bool) Request {
	salt := NewSalt()
	return Request{
		NeedsConfirm:  confirm,
		NeedsApproval: approval,
		Source:        "slack",
		Principal:     alice,
		Command:       "reinstall",
		Target:        "demo/web-1",
		Args:          json.RawMessage(`{"image":"debian-12","password":"[redacted]","ssh_keys":["k1","k2"]}`),
		Salt:          salt,
		ArgsHash:      ArgsHash(salt, "reinstall", "demo/web-1", testArgs()),
		HasSecrets:    true,
		Reason:        "p, admin, prod-*, reinstall, approve",
		ReplyTo:       json.RawMessage(`{"channel":"C1","ts":"1.2"}`),
	}
}

func (f *fixture) create(t *testing.T, confirm, approval bool) Request {
	t.Helper()
	r, err := f.store.Create(context.Background(), newRequest(confirm, approval))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// hashOf recomputes the hash of the test action the way an executor does:
// from the stored salt and the full arguments it is about to run.
func hashOf(r Request) string {
	return ArgsHash(r.Salt, "reinstall", "demo/web-1", testArgs())
}

// ok fails the test on err and passes r through.
func (f *fixture) ok(r Request, err error) Request {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// reach makes a request needing confirmation and approval and drives it
// along legal transitions into state.
func (f *fixture) reach(t *testing.T, state State) Request {
	t.Helper()
	ctx := context.Background()
	s := f.store
	r := f.create(t, true, true)
	sweep := func(wantExpired, wantInterrupted int) {
		t.Helper()
		exp, intr, err := s.Sweep(ctx)
		if err != nil || len(exp) != wantExpired || len(intr) != wantInterrupted {
			t.Fatalf("Sweep = %d expired, %d interrupted, %v; want %d, %d", len(exp), len(intr), err, wantExpired, wantInterrupted)
		}
	}
	switch state {
	case Confirming:
		return r
	case Cancelled:
		return f.ok(s.Cancel(ctx, r.ID, alice))
	case Expired:
		f.clock.Advance(testConfirmTTL)
		sweep(1, 0)
		return f.ok(s.Get(ctx, r.ID))
	}
	r = f.ok(s.Confirm(ctx, r.ID, alice))
	switch state {
	case Pending:
		return r
	case Denied:
		return f.ok(s.Deny(ctx, r.ID, bob, "not during business hours"))
	}
	r = f.ok(s.Approve(ctx, r.ID, bob))
	if state == Approved {
		return r
	}
	r = f.ok(s.Claim(ctx, r.ID, hashOf(r)))
	switch state {
	case Executing:
		return r
	case Succeeded:
		return f.ok(s.Finish(ctx, r.ID, true, "reinstalled with debian-12", "", ""))
	case Failed:
		return f.ok(s.Finish(ctx, r.ID, false, "", "unavailable", "provider timed out"))
	case Interrupted:
		f.clock.Advance(testLease + time.Second)
		sweep(0, 1)
		return f.ok(s.Get(ctx, r.ID))
	}
	t.Fatalf("reach: unknown state %q", state)
	return Request{}
}

var allStates = []State{Confirming, Pending, Approved, Executing, Succeeded, Failed, Interrupted, Denied, Expired, Cancelled}
