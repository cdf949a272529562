package audit

import (
	"context"
	"strings"
	"testing"
)

func TestVerifyOK(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  []byte
	}{{"keyed", testKey}, {"unkeyed", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openDB(t)
			l := openLog(t, db, Options{HMACKey: tc.key})
			rep := mustVerify(t, l, 0) // an empty log verifies
			if rep.HeadHash != "" {
				t.Fatalf("empty log head hash %q", rep.HeadHash)
			}
			var last Record
			for i := range 5 {
				last = mustAppend(t, l, rec(i))
			}
			rep = mustVerify(t, l, 5)
			if rep.Keyed != (tc.key != nil) || rep.HeadHash != last.Hash {
				t.Fatalf("report %+v: want keyed=%v head %s", rep, tc.key != nil, last.Hash)
			}
		})
	}
}

// Each case edits the database with SQL, as someone with write access but
// without the key would, and Verify must name the first bad record.
func TestVerifyDetectsTampering(t *testing.T) {
	const n = 5
	for _, tc := range []struct {
		name     string
		sql      []string
		key      []byte // the key Verify runs with; default testKey
		noKey    bool
		wantSeq  int64
		wantText string
	}{
		{name: "edit principal", sql: []string{`UPDATE audit_records SET principal = 'mallory' WHERE seq = 3`},
			wantSeq: 3, wantText: "hash mismatch"},
		{name: "edit args", sql: []string{`UPDATE audit_records SET args = '{"server":"other"}' WHERE seq = 2`},
			wantSeq: 2, wantText: "hash mismatch"},
		{name: "edit time", sql: []string{`UPDATE audit_records SET time = '2020-01-01T00:00:00.000000000Z' WHERE seq = 4`},
			wantSeq: 4, wantText: "hash mismatch"},
		{name: "garble time", sql: []string{`UPDATE audit_records SET time = 'yesterday' WHERE seq = 4`},
			wantSeq: 4, wantText: "unreadable time"},
		{name: "edit duration", sql: []string{`UPDATE audit_records SET duration_ns = 1 WHERE seq = 5`},
			wantSeq: 5, wantText: "hash mismatch"},
		{name: "edit hash", sql: []string{`UPDATE audit_records SET hash = 'ff' || substr(hash, 3) WHERE seq = 3`},
			wantSeq: 3, wantText: "hash mismatch"},
		{name: "delete middle", sql: []string{`DELETE FROM audit_records WHERE seq = 3`},
			wantSeq: 3, wantText: "gap after 2"},
		{name: "delete middle and renumber", sql: []string{
			`DELETE FROM audit_records WHERE seq = 3`,
			`UPDATE audit_records SET seq = seq - 1 WHERE seq > 3`,
			`UPDATE audit_head SET seq = seq - 1`},
			wantSeq: 3, wantText: "prev_hash mismatch"},
		{name: "delete first", sql: []string{`DELETE FROM audit_records WHERE seq = 1`},
			wantSeq: 1, wantText: "gap after 0"},
		{name: "delete last", sql: []string{`DELETE FROM audit_records WHERE seq = 5`},
			wantSeq: 5, wantText: "head mismatch"},
		{name: "delete last and rewind head", sql: []string{
			`DELETE FROM audit_records WHERE seq = 5`,
			`UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_records WHERE seq = 4)`},
			wantText: "head's MAC does not verify"},
		{name: "delete everything after 2", sql: []string{`DELETE FROM audit_records WHERE seq > 2`},
			wantSeq: 3, wantText: "head mismatch"},
		{name: "delete head row", sql: []string{`DELETE FROM audit_head`},
			wantText: "audit_head row is missing"},
		{name: "swap two rows", sql: []string{
			`CREATE TEMP TABLE s AS SELECT * FROM audit_records WHERE seq IN (2, 3)`,
			`UPDATE audit_records SET (time, source, principal, command, target, args, stage, decision, rule,
				approval_id, outcome, error_class, error, duration_ns, prev_hash, hash) =
				(SELECT time, source, principal, command, target, args, stage, decision, rule,
				approval_id, outcome, error_class, error, duration_ns, prev_hash, hash
				FROM s WHERE s.seq = 5 - audit_records.seq) WHERE seq IN (2, 3)`},
			wantSeq: 2, wantText: "prev_hash mismatch"},
		{name: "extra row after head", sql: []string{
			`INSERT INTO audit_records SELECT seq + 1, time, source, principal, command, target, args, stage, decision,
				rule, approval_id, outcome, error_class, error, duration_ns, hash, hash, groups FROM audit_records WHERE seq = 5`},
			wantSeq: 6, wantText: "hash mismatch"},
		{name: "unkey the head", sql: []string{`UPDATE audit_head SET keyed = FALSE`},
			wantSeq: 1, wantText: "not HMAC-keyed but audit.hmac_key is set"},
		{name: "wrong key", key: []byte("another key"),
			wantSeq: 1, wantText: "record 1: hash mismatch (wrong audit.hmac_key?)"},
		{name: "no key", noKey: true,
			wantSeq: 1, wantText: "HMAC-keyed but audit.hmac_key is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := openDB(t)
			l := openLog(t, db, Options{HMACKey: testKey})
			for i := range n {
				mustAppend(t, l, rec(i))
			}
			mustVerify(t, l, n)
			tamper(t, db, tc.sql...)
			key := testKey
			if tc.key != nil {
				key = tc.key
			}
			if tc.noKey {
				key = nil
			}
			v := openLog(t, db, Options{HMACKey: key})
			rep, err := v.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || rep.Err() == nil {
				t.Fatalf("tampered log verified: %+v", rep)
			}
			if rep.BadSeq != tc.wantSeq || !strings.Contains(rep.Err().Error(), tc.wantText) {
				t.Fatalf("got %q (bad seq %d), want seq %d and %q", rep.Err(), rep.BadSeq, tc.wantSeq, tc.wantText)
			}
		})
	}
}

// Appending must not extend a chain whose head does not verify: that would
// recompute the head's MAC and hide the tampering.
func TestAppendRefusesTamperedHead(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{HMACKey: testKey})
	for i := range 3 {
		mustAppend(t, l, rec(i))
	}
	tamper(t, db,
		`DELETE FROM audit_records WHERE seq = 3`,
		`UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_records WHERE seq = 2)`)
	if _, err := l.Append(context.Background(), rec(9)); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("append onto a rewound head: got %v", err)
	}
}

func TestAppendRefusesKeyMismatch(t *testing.T) {
	db, _ := openDB(t)
	mustAppend(t, openLog(t, db, Options{HMACKey: testKey}), rec(1))
	for _, tc := range []struct {
		name string
		key  []byte
		want string
	}{
		{"no key", nil, "HMAC-keyed but audit.hmac_key is not set"},
		{"wrong key", []byte("other"), "does not verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := openLog(t, db, Options{HMACKey: tc.key})
			if _, err := l.Append(context.Background(), rec(2)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if n := countRows(t, db); n != 1 {
		t.Fatalf("%d records stored, want 1", n)
	}
}

// Without a key the chain still catches an edit that does not recompute the
// hashes (the limits of an unkeyed chain are documented on chain).
func TestVerifyUnkeyedDetectsEdit(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	for i := range 3 {
		mustAppend(t, l, rec(i))
	}
	tamper(t, db, `UPDATE audit_records SET outcome = 'ok' WHERE seq = 2`)
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.BadSeq != 2 || rep.Keyed || !strings.Contains(rep.Problem, "hash mismatch") {
		t.Fatalf("got %+v, want a hash mismatch at record 2 of an unkeyed chain", rep)
	}
}

// TestCheckWritableCatchesAKeyChange: a chain begun without a key cannot be
// extended by a Log configured with one (and the reverse), and the problem
// is reported at start, naming the setting.
func TestCheckWritableCatchesAKeyChange(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t)
	plain, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.CheckWritable(ctx); err != nil {
		t.Fatalf("empty log: %v", err)
	}
	if _, err := plain.Append(ctx, Record{Stage: StageRequested, Command: "status"}); err != nil {
		t.Fatal(err)
	}
	plain.Close()
	keyed, err := Open(ctx, db, Options{HMACKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer keyed.Close()
	if err := keyed.CheckWritable(ctx); err == nil || !strings.Contains(err.Error(), "audit.hmac_key") {
		t.Fatalf("CheckWritable = %v, want a key mismatch naming audit.hmac_key", err)
	}
}
