package approval

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestTransitions tries every operation from every state: the legal ones
// move the request where the diagram says, every other one fails with a
// *ConflictError naming the current state and leaves the row as it was.
func TestTransitions(t *testing.T) {
	ctx := context.Background()
	ops := []struct {
		name  string
		do    func(s *Store, r Request) (Request, error)
		legal map[State]State // from → to
	}{
		{"confirm", func(s *Store, r Request) (Request, error) { return s.Confirm(ctx, r.ID, alice) },
			map[State]State{Confirming: Pending}},
		{"cancel", func(s *Store, r Request) (Request, error) { return s.Cancel(ctx, r.ID, alice) },
			map[State]State{Confirming: Cancelled, Pending: Cancelled}},
		{"approve", func(s *Store, r Request) (Request, error) { return s.Approve(ctx, r.ID, bob) },
			map[State]State{Pending: Approved}},
		{"deny", func(s *Store, r Request) (Request, error) { return s.Deny(ctx, r.ID, bob, "no") },
			map[State]State{Pending: Denied}},
		{"claim", func(s *Store, r Request) (Request, error) { return s.Claim(ctx, r.ID, hashOf(r)) },
			map[State]State{Approved: Executing}},
		// The executor reports the true outcome even after a sweep.
		{"finish-ok", func(s *Store, r Request) (Request, error) { return s.Finish(ctx, r.ID, true, "done", "", "") },
			map[State]State{Executing: Succeeded, Interrupted: Succeeded}},
		{"finish-failed", func(s *Store, r Request) (Request, error) {
			return s.Finish(ctx, r.ID, false, "", "conflict", "server busy")
		}, map[State]State{Executing: Failed, Interrupted: Failed}},
		{"renew", func(s *Store, r Request) (Request, error) {
			if err := s.Renew(ctx, r.ID); err != nil {
				return Request{}, err
			}
			return s.Get(ctx, r.ID)
		}, map[State]State{Executing: Executing}},
	}
	for _, op := range ops {
		for _, from := range allStates {
			t.Run(op.name+"/"+string(from), func(t *testing.T) {
				f := newFixture(t)
				r := f.reach(t, from)
				if r.State != from {
					t.Fatalf("setup reached %s, want %s", r.State, from)
				}
				got, err := op.do(f.store, r)
				stored := f.ok(f.store.Get(ctx, r.ID))
				if to, legal := op.legal[from]; legal {
					if err != nil {
						t.Fatalf("%s from %s: %v", op.name, from, err)
					}
					if got.State != to || stored.State != to {
						t.Fatalf("%s from %s: returned %s, stored %s; want %s", op.name, from, got.State, stored.State, to)
					}
					return
				}
				var conflict *ConflictError
				if !errors.As(err, &conflict) {
					t.Fatalf("%s from %s: err = %v, want *ConflictError", op.name, from, err)
				}
				if conflict.Current.State != from || conflict.Current.ID != r.ID || conflict.JustExpired {
					t.Fatalf("%s from %s: conflict reports %s %s (just expired %v)", op.name, from,
						conflict.Current.ID, conflict.Current.State, conflict.JustExpired)
				}
				if got.ID != "" {
					t.Fatalf("%s from %s: losing call returned a request: %+v", op.name, from, got)
				}
				if stored.State != from || !stored.UpdatedAt.Equal(r.UpdatedAt) {
					t.Fatalf("%s from %s: refused transition changed the row to %s at %s", op.name, from, stored.State, stored.UpdatedAt)
				}
			})
		}
	}
}

func TestLegalTransitionsRecordWhoAndWhen(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.store
	r := f.create(t, true, true)

	f.clock.Advance(time.Minute)
	r = f.ok(s.Confirm(ctx, r.ID, alice))
	if r.DecidedBy != alice || !r.UpdatedAt.Equal(f.clock.Now()) || !r.ExpiresAt.Equal(f.clock.Now().Add(testTTL)) {
		t.Fatalf("after confirm: decided by %q, updated %s, expires %s", r.DecidedBy, r.UpdatedAt, r.ExpiresAt)
	}
	f.clock.Advance(time.Minute)
	r = f.ok(s.Approve(ctx, r.ID, bob))
	if r.DecidedBy != bob || !r.UpdatedAt.Equal(f.clock.Now()) {
		t.Fatalf("after approve: decided by %q, updated %s", r.DecidedBy, r.UpdatedAt)
	}
	r = f.ok(s.Claim(ctx, r.ID, hashOf(r)))
	if r.Executor != "inst-a" || !r.LeaseUntil.Equal(f.clock.Now().Add(testLease)) {
		t.Fatalf("after claim: executor %q, lease until %s", r.Executor, r.LeaseUntil)
	}
	f.clock.Advance(10 * time.Second)
	if err := s.Renew(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.ok(s.Get(ctx, r.ID)); !got.LeaseUntil.Equal(f.clock.Now().Add(testLease)) || !got.UpdatedAt.Equal(r.UpdatedAt) {
		t.Fatalf("after renew: lease until %s, updated %s", got.LeaseUntil, got.UpdatedAt)
	}
	r = f.ok(s.Finish(ctx, r.ID, false, "reinstall started", "unavailable", "provider timed out"))
	if r.State != Failed || r.Outcome != "reinstall started" || r.ErrorClass != "unavailable" || r.Error != "provider timed out" {
		t.Fatalf("after finish: %+v", r)
	}

	d := f.ok(s.Confirm(ctx, f.create(t, true, true).ID, alice))
	d = f.ok(s.Deny(ctx, d.ID, bob, "freeze until Monday"))
	if d.State != Denied || d.DecidedBy != bob || d.DecisionNote != "freeze until Monday" {
		t.Fatalf("after deny: %+v", d)
	}
}

func TestConfirmWithoutApprovalGoesStraightToApproved(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.create(t, true, false)
	f.clock.Advance(time.Minute)
	got := f.ok(f.store.Confirm(ctx, r.ID, alice))
	if got.State != Approved || !got.ExpiresAt.Equal(r.ExpiresAt) {
		t.Fatalf("confirm of a confirm-only request: state %s, expires %s; want approved, %s", got.State, got.ExpiresAt, r.ExpiresAt)
	}
	if _, err := f.store.Approve(ctx, r.ID, bob); !isConflict(err, Approved) {
		t.Fatalf("approve after confirm-only: %v", err)
	}
}

func TestApprovalOnlyRequestStartsPending(t *testing.T) {
	f := newFixture(t)
	r := f.create(t, false, true)
	if r.State != Pending || !r.ExpiresAt.Equal(f.clock.Now().Add(testTTL)) {
		t.Fatalf("state %s, expires %s", r.State, r.ExpiresAt)
	}
	c := f.create(t, true, true)
	if c.State != Confirming || !c.ExpiresAt.Equal(f.clock.Now().Add(testConfirmTTL)) {
		t.Fatalf("state %s, expires %s", c.State, c.ExpiresAt)
	}
}

// TestWhoMayDecide checks the requester and approver rules; a refused
// decision leaves the request untouched.
func TestWhoMayDecide(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		from    State
		do      func(s *Store, id string) (Request, error)
		wantErr error // nil: any error
	}{
		{"someone else confirms", Confirming, func(s *Store, id string) (Request, error) { return s.Confirm(ctx, id, bob) }, ErrNotRequester},
		{"someone else cancels while confirming", Confirming, func(s *Store, id string) (Request, error) { return s.Cancel(ctx, id, bob) }, ErrNotRequester},
		{"someone else cancels while pending", Pending, func(s *Store, id string) (Request, error) { return s.Cancel(ctx, id, bob) }, ErrNotRequester},
		{"requester approves", Pending, func(s *Store, id string) (Request, error) { return s.Approve(ctx, id, alice) }, ErrSelfApproval},
		{"requester denies", Pending, func(s *Store, id string) (Request, error) { return s.Deny(ctx, id, alice, "") }, ErrSelfApproval},
		{"requester approves once approved", Approved, func(s *Store, id string) (Request, error) { return s.Approve(ctx, id, alice) }, ErrSelfApproval},
		{"nobody approves", Pending, func(s *Store, id string) (Request, error) { return s.Approve(ctx, id, "") }, nil},
		{"nobody denies", Pending, func(s *Store, id string) (Request, error) { return s.Deny(ctx, id, "", "") }, nil},
		{"nobody confirms", Confirming, func(s *Store, id string) (Request, error) { return s.Confirm(ctx, id, "") }, nil},
		{"approver differs only in case", Pending, func(s *Store, id string) (Request, error) { return s.Approve(ctx, id, "slack:T1:ALICE") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			r := f.reach(t, tt.from)
			got, err := tt.do(f.store, r.ID)
			stored := f.ok(f.store.Get(ctx, r.ID))
			if tt.name == "approver differs only in case" {
				// Principals are compared exactly: the adapters produce
				// canonical ids, so another spelling is another person.
				if err != nil || stored.State != Approved {
					t.Fatalf("err %v, state %s", err, stored.State)
				}
				return
			}
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got.ID != "" || stored.State != tt.from {
				t.Fatalf("refused decision: returned %+v, stored state %s", got, stored.State)
			}
		})
	}
}

func TestUnknownRequest(t *testing.T) {
	ctx := context.Background()
	s := newFixture(t).store
	const id = "r-zzzzzzzz"
	calls := map[string]func() error{
		"get":     func() error { _, err := s.Get(ctx, id); return err },
		"confirm": func() error { _, err := s.Confirm(ctx, id, alice); return err },
		"cancel":  func() error { _, err := s.Cancel(ctx, id, alice); return err },
		"approve": func() error { _, err := s.Approve(ctx, id, bob); return err },
		"deny":    func() error { _, err := s.Deny(ctx, id, bob, ""); return err },
		"claim":   func() error { _, err := s.Claim(ctx, id, "abc"); return err },
		"renew":   func() error { return s.Renew(ctx, id) },
		"finish":  func() error { _, err := s.Finish(ctx, id, true, "", "", ""); return err },
		"post":    func() error { _, err := s.ClaimPost(ctx, id, "slack", "bot-1", time.Minute); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of unknown request: err = %v, want ErrNotFound", name, err)
		}
	}
}

// TestDeadlines drives the injected clock across ConfirmTTL and TTL.
func TestDeadlines(t *testing.T) {
	ctx := context.Background()

	t.Run("approve just before the deadline", func(t *testing.T) {
		f := newFixture(t)
		r := f.create(t, false, true)
		f.clock.Advance(testTTL - time.Nanosecond)
		if got, err := f.store.Approve(ctx, r.ID, bob); err != nil || got.State != Approved {
			t.Fatalf("approve: %v, %v", got.State, err)
		}
	})

	decisions := map[string]struct {
		confirm bool // start confirming (else pending)
		do      func(s *Store, id string) (Request, error)
	}{
		"confirm": {true, func(s *Store, id string) (Request, error) { return s.Confirm(ctx, id, alice) }},
		"cancel":  {true, func(s *Store, id string) (Request, error) { return s.Cancel(ctx, id, alice) }},
		"approve": {false, func(s *Store, id string) (Request, error) { return s.Approve(ctx, id, bob) }},
		"deny":    {false, func(s *Store, id string) (Request, error) { return s.Deny(ctx, id, bob, "") }},
	}
	for name, d := range decisions {
		t.Run(name+" at the deadline expires it", func(t *testing.T) {
			f := newFixture(t)
			r := f.create(t, d.confirm, true)
			f.clock.Advance(r.ExpiresAt.Sub(f.clock.Now()))
			_, err := d.do(f.store, r.ID)
			var conflict *ConflictError
			if !errors.As(err, &conflict) || conflict.Current.State != Expired || !conflict.JustExpired {
				t.Fatalf("err = %v, want a conflict that just expired it", err)
			}
			if got := f.ok(f.store.Get(ctx, r.ID)); got.State != Expired || !got.UpdatedAt.Equal(f.clock.Now()) {
				t.Fatalf("stored: %s at %s", got.State, got.UpdatedAt)
			}
			// Reported once: neither a second try nor Sweep claims it.
			if _, err := d.do(f.store, r.ID); !errors.As(err, &conflict) || conflict.JustExpired || conflict.Current.State != Expired {
				t.Fatalf("second try: %v", err)
			}
			if exp, _, err := f.store.Sweep(ctx); err != nil || len(exp) != 0 {
				t.Fatalf("sweep after: %d expired, %v", len(exp), err)
			}
		})
	}

	t.Run("confirm restarts the clock with TTL", func(t *testing.T) {
		f := newFixture(t)
		r := f.create(t, true, true)
		f.clock.Advance(testConfirmTTL - time.Second)
		r = f.ok(f.store.Confirm(ctx, r.ID, alice))
		f.clock.Advance(testTTL - time.Second)
		if exp, _, err := f.store.Sweep(ctx); err != nil || len(exp) != 0 {
			t.Fatalf("sweep before TTL: %d expired, %v", len(exp), err)
		}
		f.clock.Advance(time.Second)
		exp, _, err := f.store.Sweep(ctx)
		if err != nil || len(exp) != 1 || exp[0].ID != r.ID || exp[0].State != Expired {
			t.Fatalf("sweep at TTL: %+v, %v", exp, err)
		}
	})

	t.Run("sweep expires only what is due", func(t *testing.T) {
		f := newFixture(t)
		confirming := f.create(t, true, true)
		f.clock.Advance(time.Minute)
		pending := f.create(t, false, true)
		f.clock.Advance(testConfirmTTL)
		exp, intr, err := f.store.Sweep(ctx)
		if err != nil || len(intr) != 0 || len(exp) != 1 || exp[0].ID != confirming.ID {
			t.Fatalf("first sweep: %+v, %+v, %v", exp, intr, err)
		}
		if got := f.ok(f.store.Get(ctx, pending.ID)); got.State != Pending {
			t.Fatalf("pending request swept early: %s", got.State)
		}
		f.clock.Advance(testTTL)
		exp, _, err = f.store.Sweep(ctx)
		if err != nil || len(exp) != 1 || exp[0].ID != pending.ID {
			t.Fatalf("second sweep: %+v, %v", exp, err)
		}
	})

	t.Run("approved requests stay claimable until one lease past the deadline", func(t *testing.T) {
		f := newFixture(t)
		r := f.reach(t, Approved)
		f.clock.Advance(r.ExpiresAt.Add(testLease).Sub(f.clock.Now()))
		if exp, intr, err := f.store.Sweep(ctx); err != nil || len(exp)+len(intr) != 0 {
			t.Fatalf("sweep: %d, %d, %v", len(exp), len(intr), err)
		}
		if got := f.ok(f.store.Claim(ctx, r.ID, hashOf(r))); got.State != Executing {
			t.Fatalf("claim: %s", got.State)
		}
	})
}

func TestClaimRefusesChangedArguments(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.reach(t, Approved)

	changed := testArgs()
	changed["password"] = "hunter3"
	for name, hash := range map[string]string{
		"changed secret":   ArgsHash(r.Salt, r.Command, r.Target, changed),
		"other target":     ArgsHash(r.Salt, r.Command, "demo/web-2", testArgs()),
		"other salt":       ArgsHash(NewSalt(), r.Command, r.Target, testArgs()),
		"unsalted":         ArgsHash(nil, r.Command, r.Target, testArgs()),
		"stored hash typo": r.ArgsHash[:63] + "x",
	} {
		if _, err := f.store.Claim(ctx, r.ID, hash); !errors.Is(err, ErrArgsChanged) {
			t.Errorf("%s: err = %v, want ErrArgsChanged", name, err)
		}
	}
	if _, err := f.store.Claim(ctx, r.ID, ""); err == nil {
		t.Error("claim with an empty hash succeeded")
	}
	if got := f.ok(f.store.Get(ctx, r.ID)); got.State != Approved {
		t.Fatalf("refused claims moved the request to %s", got.State)
	}
	if got := f.ok(f.store.Claim(ctx, r.ID, hashOf(r))); got.State != Executing {
		t.Fatalf("claim with the approved arguments: %s", got.State)
	}
}

func isConflict(err error, state State) bool {
	var conflict *ConflictError
	return errors.As(err, &conflict) && conflict.Current.State == state
}

func TestCountByState(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.reach(t, Confirming)
	f.reach(t, Pending)
	f.reach(t, Pending)
	f.reach(t, Denied)
	n, err := f.store.Count(ctx, Confirming, Pending, Executing)
	if err != nil {
		t.Fatal(err)
	}
	if n[Confirming] != 1 || n[Pending] != 2 || n[Executing] != 0 || len(n) != 2 {
		t.Fatalf("counts %v, want 1 confirming and 2 pending", n)
	}
}
