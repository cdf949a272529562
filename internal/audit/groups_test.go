package audit

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// TestRecordHashOfARecordWithoutGroupsIsUnchanged pins the v1 hash of a
// record, as computed before groups existed: every record already in a
// log must keep verifying.
func TestRecordHashOfARecordWithoutGroupsIsUnchanged(t *testing.T) {
	r := Record{Seq: 7, Time: time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC), Source: "slack", Principal: "slack:T1:U2",
		Command: "reboot", Target: "demo-fra/fra-101", Args: json.RawMessage(`{"server":"demo-fra/fra-101"}`),
		Stage: StageExecuted, Decision: "allow", Rule: "p, operator, *, server.power", ApprovalID: "r-abcdefgh",
		Outcome: OutcomeOK, Duration: 1500 * time.Millisecond, PrevHash: "00ff"}
	if got, want := (chain{key: testKey}).recordHash(&r), "f6e8a94c14e11b795ff54b6dadadf0f7f6d96010ca0008fc7fa8640f3095b83d"; got != want {
		t.Errorf("keyed v1 hash = %s, want %s", got, want)
	}
	if got, want := (chain{}).recordHash(&r), "75ea5f52f8d5541d25d532e24ae55bbe7b97b53ca269423864e799c4c83f12fc"; got != want {
		t.Errorf("unkeyed v1 hash = %s, want %s", got, want)
	}
	with := r
	with.Groups = []string{"discord-role:G1:R9"}
	if (chain{key: testKey}).recordHash(&with) == (chain{key: testKey}).recordHash(&r) {
		t.Error("the groups are not covered by the hash")
	}
}

// TestLogWrittenBeforeGroupsVerifiesAfterTheUpgrade: a log written by the
// schema before groups (migrations 1 and 2) still verifies once the
// groups column is added, and grows with records that have groups.
func TestLogWrittenBeforeGroupsVerifiesAfterTheUpgrade(t *testing.T) {
	storetest.SQLiteOnly(t, "SQLite's schema before groups; PostgreSQL began with them")
	ctx := context.Background()
	db, _ := openDB(t)
	if err := store.Migrate(ctx, db, "audit", store.Migrations{SQLite: migrations[:2]}); err != nil {
		t.Fatal(err)
	}
	c := chain{key: testKey}
	last := ""
	for i := range 3 {
		r := rec(i)
		r.Seq, r.Time, r.PrevHash = int64(i+1), time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC), last
		r.Hash = c.recordHash(&r)
		if _, err := db.ExecContext(context.Background(), `INSERT INTO audit_records (seq, time, source, principal, command, target, args, stage,
			decision, rule, approval_id, outcome, error_class, error, duration_ns, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', '', 0, ?, ?)`,
			r.Seq, formatTime(r.Time), r.Source, r.Principal, r.Command, r.Target, string(r.Args), string(r.Stage), r.PrevHash, r.Hash); err != nil {
			t.Fatal(err)
		}
		last = r.Hash
	}
	if _, err := db.ExecContext(context.Background(), `UPDATE audit_head SET seq = 3, hash = ?, keyed = 1, mac = ?`, last, c.headMAC(3, last, true)); err != nil {
		t.Fatal(err)
	}

	l := openLog(t, db, Options{HMACKey: testKey}) // applies the groups migration
	mustVerify(t, l, 3)
	r := rec(3)
	r.Principal, r.Groups = "discord:123", []string{"discord-role:G1:R-ONCALL", "discord-role:G1:R-OPS"}
	mustAppend(t, l, r)
	mustVerify(t, l, 4)
	got, err := l.Query(ctx, Filter{Principal: "discord:123"})
	if err != nil || len(got) != 1 || !slices.Equal(got[0].Groups, r.Groups) {
		t.Fatalf("query: %+v, %v; want the groups %q", got, err, r.Groups)
	}
}

// TestVerifyDetectsEditedGroups: the groups are part of the chain, added,
// changed, removed or rewritten in another form.
func TestVerifyDetectsEditedGroups(t *testing.T) {
	for _, tc := range []struct {
		name, sql, want string
	}{
		{"groups changed", `UPDATE audit_records SET groups = '["discord-role:G1:R-ADMIN"]' WHERE seq = 2`, "hash mismatch"},
		{"groups removed", `UPDATE audit_records SET groups = '' WHERE seq = 2`, "hash mismatch"},
		{"groups added", `UPDATE audit_records SET groups = '["discord-role:G1:R-ADMIN"]' WHERE seq = 1`, "hash mismatch"},
		{"empty list written", `UPDATE audit_records SET groups = '[]' WHERE seq = 1`, "groups are not in the stored form"},
		{"other spacing", `UPDATE audit_records SET groups = '[ "discord-role:G1:R-ONCALL"]' WHERE seq = 2`, "groups are not in the stored form"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openDB(t)
			l := openLog(t, db, Options{HMACKey: testKey})
			mustAppend(t, l, rec(0))
			r := rec(1)
			r.Groups = []string{"discord-role:G1:R-ONCALL"}
			mustAppend(t, l, r)
			mustVerify(t, l, 2)
			tamper(t, db, tc.sql)
			rep, err := l.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || !strings.Contains(rep.Problem, tc.want) {
				t.Fatalf("verify after %s: %+v, want %q", tc.name, rep, tc.want)
			}
		})
	}
}
