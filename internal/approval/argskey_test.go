package approval

import (
	"context"
	"errors"
	"testing"

	"github.com/vpsops/vpsops/internal/store"
)

var testSecret = []byte("audit-hmac-key-kept-outside-the-db")

func newKeyedStore(t *testing.T, db *store.DB, clk *fakeClock, instance string, secret []byte) *Store {
	t.Helper()
	s, err := Open(context.Background(), db, Options{
		TTL: testTTL, ConfirmTTL: testConfirmTTL, Lease: testLease, Clock: clk.Now, Instance: instance, Secret: secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// approved creates the test request on s and has it confirmed and approved.
func approved(t *testing.T, s *Store) Request {
	t.Helper()
	ctx := context.Background()
	r, err := s.Create(ctx, newRequest(true, true))
	if err == nil {
		_, err = s.Confirm(ctx, r.ID, alice)
	}
	if err == nil {
		r, err = s.Approve(ctx, r.ID, bob)
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// executorHash is what an executor computes for a stored request: ArgsHash
// from the row's salt, command and target and the arguments it would run.
func executorHash(t *testing.T, s *Store, id string) string {
	t.Helper()
	r, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ArgsHash(r.Salt, r.Command, r.Target, testArgs())
}

// TestRetargetedRowIsRefusedWithASecret: someone with write access to the
// database points an approved request at another server and recomputes its
// argument hash with the salt stored in the row. With a secret the executor
// refuses it; without one it cannot tell (the documented limit).
func TestRetargetedRowIsRefusedWithASecret(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		secret []byte
	}{{"keyed", testSecret}, {"unkeyed", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			db := openDB(t, f.path)
			s := newKeyedStore(t, db, f.clock, "inst-k", tc.secret)
			r := approved(t, s)
			if _, err := db.ExecContext(context.Background(), `UPDATE approval_requests SET target = 'demo/web-2', args_hash = ? WHERE id = ?`,
				ArgsHash(r.Salt, r.Command, "demo/web-2", testArgs()), r.ID); err != nil {
				t.Fatal(err)
			}
			_, err := s.Claim(ctx, r.ID, executorHash(t, s, r.ID))
			if tc.secret != nil && !errors.Is(err, ErrArgsChanged) {
				t.Fatalf("claim of a retargeted request: %v, want ErrArgsChanged", err)
			}
			if tc.secret == nil && err != nil {
				t.Fatalf("unkeyed claim: %v (the forged row is consistent without a secret)", err)
			}
		})
	}
}

// TestKeyedBindingCoversRowAndRequester: a valid stored hash cannot be moved
// to another request or requester, and a process without the same secret
// cannot run what was approved with it.
func TestKeyedBindingCoversRowAndRequester(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := openDB(t, f.path)
	s := newKeyedStore(t, db, f.clock, "inst-k", testSecret)

	// The stored value is neither the caller's hash nor guessable from the row.
	r := approved(t, s)
	if plain := ArgsHash(r.Salt, r.Command, r.Target, testArgs()); r.ArgsHash == plain {
		t.Fatal("the stored hash is the unkeyed one")
	}

	// Another request's stored hash, copied over (same action, other row).
	other := approved(t, s)
	if _, err := db.ExecContext(context.Background(), `UPDATE approval_requests SET args_salt = ?, args_hash = ? WHERE id = ?`,
		other.Salt, other.ArgsHash, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, r.ID, executorHash(t, s, r.ID)); !errors.Is(err, ErrArgsChanged) {
		t.Fatalf("claim with another row's hash: %v, want ErrArgsChanged", err)
	}

	// The requester rewritten (it would run, and be audited, as someone else).
	victim := approved(t, s)
	if _, err := db.ExecContext(context.Background(), `UPDATE approval_requests SET principal = 'slack:T1:mallory' WHERE id = ?`, victim.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, victim.ID, executorHash(t, s, victim.ID)); !errors.Is(err, ErrArgsChanged) {
		t.Fatalf("claim after the requester changed: %v, want ErrArgsChanged", err)
	}

	// A process with another secret (or none) cannot claim; the right one can.
	ok := approved(t, s)
	for name, secret := range map[string][]byte{"other secret": []byte("another key"), "no secret": nil} {
		wrong := newKeyedStore(t, openDB(t, f.path), f.clock, "inst-"+name, secret)
		if _, err := wrong.Claim(ctx, ok.ID, executorHash(t, wrong, ok.ID)); !errors.Is(err, ErrArgsChanged) {
			t.Fatalf("claim by a store with %s: %v, want ErrArgsChanged", name, err)
		}
	}
	if got, err := s.Claim(ctx, ok.ID, executorHash(t, s, ok.ID)); err != nil || got.State != Executing {
		t.Fatalf("claim with the secret: %v, %v", got.State, err)
	}
}
