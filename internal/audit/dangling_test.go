package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vpsops/vpsops/internal/store/storetest"
)

// ungated is the requested record of an ungated command, and outcome its
// executed record.
func ungated(principal, target string) Record {
	return Record{Source: "shell", Principal: principal, Command: "reboot", Target: target,
		Args: json.RawMessage(fmt.Sprintf(`{"server":%q}`, target)), Stage: StageRequested}
}

func outcome(r Record) Record {
	r.Stage, r.Decision, r.Outcome = StageExecuted, "allow", OutcomeOK
	return r
}

func aliveSet(names ...string) func(string) bool {
	return func(instance string) bool {
		for _, n := range names {
			if n == instance {
				return true
			}
		}
		return false
	}
}

// TestCloseDanglingClosesOnlyWhatADeadProcessLeft: process a ran one
// command to the end and died during another; process b is still running
// one. Only a's unfinished request gets an interrupted record.
func TestCloseDanglingClosesOnlyWhatADeadProcessLeft(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t)
	a := openLog(t, db, Options{HMACKey: testKey, Instance: "a"})
	b := openLog(t, db, Options{HMACKey: testKey, Instance: "b"})

	done := ungated("shell:alice", "demo-fra/fra-101")
	mustAppend(t, a, done)
	mustAppend(t, a, outcome(done))
	dead := mustAppend(t, a, ungated("shell:alice", "demo-fra/fra-102"))
	gated := ungated("shell:alice", "demo-fra/fra-103")
	gated.ApprovalID = "r-abcdefgh" // the approval store's lease covers it
	mustAppend(t, a, gated)
	running := mustAppend(t, b, ungated("shell:bob", "demo-nyc/nyc-201"))

	starter := openLog(t, db, Options{HMACKey: testKey, Instance: "c"})
	closed, err := starter.CloseDangling(ctx, aliveSet("b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if len(closed) != 1 {
		t.Fatalf("closed %d requests, want 1: %+v", len(closed), closed)
	}
	c := closed[0]
	if c.Stage != StageInterrupted || c.Outcome != OutcomeError || c.Principal != dead.Principal ||
		c.Command != dead.Command || c.Target != dead.Target || string(c.Args) != string(dead.Args) ||
		c.Source != dead.Source || c.ApprovalID != "" {
		t.Fatalf("closing record %+v does not match the request %+v", c, dead)
	}
	if !strings.Contains(c.Error, fmt.Sprintf("record %d", dead.Seq)) || !strings.Contains(c.Error, "(a)") {
		t.Fatalf("closing record does not name the request and its process: %q", c.Error)
	}
	if again, err := starter.CloseDangling(ctx, aliveSet("b", "c")); err != nil || len(again) != 0 {
		t.Fatalf("second pass closed %d, %v", len(again), err)
	}

	// b dies too: its request is closed at the next start.
	closed, err = starter.CloseDangling(ctx, aliveSet("c"))
	if err != nil || len(closed) != 1 || closed[0].Target != running.Target {
		t.Fatalf("after b died: %+v, %v", closed, err)
	}
	mustVerify(t, starter, 7)
}

// TestCloseDanglingPairsIdenticalRequests: the same command asked twice at
// once, one of them finished (its requested record went through
// AppendAsync, as the runner's do): exactly one is dangling.
func TestCloseDanglingPairsIdenticalRequests(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t)
	a := openLog(t, db, Options{HMACKey: testKey, Instance: "a"})
	r := ungated("shell:alice", "demo-fra/fra-101")
	a.AppendAsync(r)
	a.AppendAsync(r)
	mustAppend(t, a, outcome(r)) // may share a batch with both requests
	other := r
	other.Args = json.RawMessage(`{"server":"demo-fra/fra-101","hard":true}`)
	mustAppend(t, a, other)
	mustAppend(t, a, outcome(other))

	closed, err := openLog(t, db, Options{HMACKey: testKey, Instance: "c"}).CloseDangling(ctx, aliveSet())
	if err != nil || len(closed) != 1 || string(closed[0].Args) != string(r.Args) {
		t.Fatalf("closed %+v, %v; want one, for the first request", closed, err)
	}
}

// TestCloseDanglingWithoutInstance: a Log that names no process notes
// nothing, so nothing of it is ever taken for dangling.
func TestCloseDanglingWithoutInstance(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{HMACKey: testKey})
	mustAppend(t, l, ungated("shell:alice", "demo-fra/fra-101"))
	if closed, err := l.CloseDangling(context.Background(), aliveSet()); err != nil || len(closed) != 0 {
		t.Fatalf("closed %d, %v", len(closed), err)
	}
}

// TestCloseDanglingRacingStarters: processes starting together close each
// dangling request once.
func TestCloseDanglingRacingStarters(t *testing.T) {
	db, path := openDB(t)
	a := openLog(t, db, Options{HMACKey: testKey, Instance: "a"})
	for i := range 5 {
		mustAppend(t, a, ungated("shell:alice", fmt.Sprintf("demo-fra/fra-%d", i)))
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for i := range 4 {
		l := openLog(t, reopenDB(t, path), Options{HMACKey: testKey, Instance: fmt.Sprint("starter-", i)})
		wg.Go(func() {
			closed, err := l.CloseDangling(context.Background(), aliveSet())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += len(closed)
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != 5 {
		t.Fatalf("%d interrupted records for 5 dangling requests", total)
	}
	if n := countRows(t, db); n != 10 {
		t.Fatalf("%d records, want 10", n)
	}
}

// Closing a note runs for every command's outcome: its plan must walk the
// open notes (few) and look records up by key, never scan audit_records
// (which only grows). A planner that picked the scan cost 1.5 ms a
// command on a 10,000-record log.
func TestCloseNoteUsesTheNotes(t *testing.T) {
	storetest.SQLiteOnly(t, "SQLite's query planner")
	db, _ := openDB(t)
	openLog(t, db, Options{Instance: "me"})
	rows, err := db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+closeNote, "me", "shell", "shell:a", "status", "demo/1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	// The notes first, then each record by its key: any other way reads
	// records by principal or source, which grow with the log.
	var onNotes, recordByKey bool
	for _, step := range plan {
		switch {
		case strings.HasSuffix(step, " o") || strings.Contains(step, " o USING"):
			onNotes = onNotes || !recordByKey
		case strings.HasPrefix(step, "SEARCH q USING INTEGER PRIMARY KEY"):
			recordByKey = true
		case strings.Contains(step, " q"):
			t.Fatalf("closing a note reads audit records other than by key:\n%s", strings.Join(plan, "\n"))
		}
	}
	if !onNotes || !recordByKey {
		t.Fatalf("closing a note does not walk the notes, then records by key:\n%s", strings.Join(plan, "\n"))
	}
}

// On PostgreSQL closing a note reads the notes alone, through their index:
// a join with audit_records was planned as a walk of every ungated
// command's records (all with an empty approval_id), and cost an order of magnitude in
// throughput (docs/benchmarks.md).
func TestCloseNoteOnPostgresReadsOnlyTheNotes(t *testing.T) {
	if !storetest.OnPostgres() {
		t.Skip("PostgreSQL's plan; SQLite's is TestCloseNoteUsesTheNotes")
	}
	db, _ := openDB(t)
	l := openLog(t, db, Options{Instance: "me"})
	q, args, _ := l.note(&Record{Source: "shell", Principal: "shell:a", Command: "status", Target: "demo/1", Stage: StageExecuted})
	rows, err := db.QueryContext(context.Background(), `EXPLAIN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	joined := strings.Join(plan, "\n")
	if strings.Contains(joined, "audit_records") || !strings.Contains(joined, "audit_open_requests") {
		t.Fatalf("closing a note on PostgreSQL:\n%s", joined)
	}
}
