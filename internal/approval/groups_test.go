package approval

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

var testGroups = []string{"discord-role:G1:R-ONCALL"}

// approvedWith is approved for a request asked with groups.
func approvedWith(t *testing.T, s *Store, groups []string) Request {
	t.Helper()
	ctx := context.Background()
	in := newRequest(true, true)
	in.Groups = groups
	r, err := s.Create(ctx, in)
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

// TestGroupsSurviveToTheClaim: the executor, in whatever process, gets the
// groups the requester asked with, to re-authorize them.
func TestGroupsSurviveToTheClaim(t *testing.T) {
	f := newFixture(t)
	r := approvedWith(t, f.store, testGroups)
	other := newStore(t, openDB(t, f.path), f.clock, "inst-b")
	claimed := f.ok(other.Claim(context.Background(), r.ID, hashOf(r)))
	if !slices.Equal(claimed.Groups, testGroups) {
		t.Fatalf("claimed with groups %q, want %q", claimed.Groups, testGroups)
	}
	if plain := approved(t, f.store); plain.Groups != nil {
		t.Fatalf("a request without groups reads back with %q", plain.Groups)
	}
}

// TestKeyedBindingCoversGroups: someone who can write the database cannot
// give a requester groups it did not ask with (more rights when it is
// re-authorized), nor take them away, without the claim failing.
func TestKeyedBindingCoversGroups(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := openDB(t, f.path)
	s := newKeyedStore(t, db, f.clock, "inst-k", testSecret)
	for name, tc := range map[string]struct {
		asked  []string
		forged any
	}{
		"groups added":   {nil, `["discord-role:G1:R-ADMIN"]`},
		"groups changed": {testGroups, `["discord-role:G1:R-ADMIN"]`},
		"groups removed": {testGroups, nil},
	} {
		t.Run(name, func(t *testing.T) {
			r := approvedWith(t, s, tc.asked)
			if _, err := db.ExecContext(context.Background(), `UPDATE approval_requests SET groups = ? WHERE id = ?`, tc.forged, r.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Claim(ctx, r.ID, executorHash(t, s, r.ID)); !errors.Is(err, ErrArgsChanged) {
				t.Fatalf("claim after the groups were rewritten: %v, want ErrArgsChanged", err)
			}
		})
	}
	r := approvedWith(t, s, testGroups)
	if got, err := s.Claim(ctx, r.ID, executorHash(t, s, r.ID)); err != nil || !slices.Equal(got.Groups, testGroups) {
		t.Fatalf("untouched claim: %v, %v", got.Groups, err)
	}
}

// TestUnreadableGroupsAreAnError: a request whose stored groups cannot be
// read is never taken for one without groups.
func TestUnreadableGroupsAreAnError(t *testing.T) {
	f := newFixture(t)
	r := f.create(t, true, true)
	if _, err := f.store.db.ExecContext(context.Background(), `UPDATE approval_requests SET groups = 'not json' WHERE id = ?`, r.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.store.Get(context.Background(), r.ID)
	if err == nil || !strings.Contains(err.Error(), "stored groups unreadable") {
		t.Fatalf("Get = %v, want the groups named unreadable", err)
	}
}

func TestCreateRefusesAnEmptyGroup(t *testing.T) {
	f := newFixture(t)
	in := newRequest(true, true)
	in.Groups = []string{""}
	if _, err := f.store.Create(context.Background(), in); err == nil || !strings.Contains(err.Error(), "a group is empty") {
		t.Fatalf("Create = %v", err)
	}
}
