package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

func TestAppendQueryExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, path := openDB(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	l := openLog(t, db, Options{HMACKey: testKey, Clock: stepClock(start)})

	in := []Record{
		rec(1),
		{Source: "slack", Principal: "slack:T1:U2", Command: "destroy", Target: "glesys/kvm1",
			Args:  json.RawMessage("{\n  \"server\": \"glesys/kvm1\",\n  \"note\": \"a<b & c>d\"\n}"),
			Stage: StageExecuted, Decision: "approval", Rule: "p, oncall, server.destroy, allow",
			ApprovalID: "apr_1", Outcome: OutcomeError, ErrorClass: "conflict", Error: "server is busy",
			Duration: 1500 * time.Millisecond},
		{Source: "mcp", Principal: "mcp:claude", Command: "list", Stage: StageDenied,
			Time: time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)}, // explicit time is kept
	}
	var appended []Record
	for _, r := range in {
		appended = append(appended, mustAppend(t, l, r))
	}
	for i, r := range appended {
		if r.Seq != int64(i+1) || r.Hash == "" || r.Time.Location() != time.UTC {
			t.Errorf("appended[%d]: seq %d hash %q time %v", i, r.Seq, r.Hash, r.Time)
		}
		if i > 0 && r.PrevHash != appended[i-1].Hash {
			t.Errorf("appended[%d].PrevHash does not link to the record before", i)
		}
	}
	if !appended[0].Time.Equal(start) {
		t.Errorf("clock time: got %v, want %v", appended[0].Time, start)
	}
	if got := string(appended[1].Args); got != `{"server":"glesys/kvm1","note":"a<b & c>d"}` {
		t.Errorf("args are stored compacted, got %s", got)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// A fresh connection and Log read back exactly what Append returned.
	l2 := openLog(t, reopenDB(t, path), Options{HMACKey: testKey})
	got, err := l2.Query(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{appended[2], appended[1], appended[0]} // newest first
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("query:\n got %+v\nwant %+v", got, want)
	}

	var buf bytes.Buffer
	n, err := l2.Export(ctx, &buf, Filter{})
	if err != nil || n != 3 {
		t.Fatalf("export: n=%d err=%v", n, err)
	}
	var exported []Record
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		// Export is byte-faithful: each line still hashes to its Hash.
		if h := l2.chain.recordHash(&r); h != r.Hash {
			t.Errorf("exported record %d rehashes to %s, stored %s", r.Seq, h, r.Hash)
		}
		exported = append(exported, r)
	}
	if !reflect.DeepEqual(exported, appended) {
		t.Fatalf("export (oldest first):\n got %+v\nwant %+v", exported, appended)
	}
	mustVerify(t, l2, 3)
}

func TestAppendRejects(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	for _, tc := range []struct {
		name string
		edit func(*Record)
		want string
	}{
		{"args not JSON", func(r *Record) { r.Args = []byte("password=hunter2") }, "not valid JSON"},
		{"args truncated JSON", func(r *Record) { r.Args = []byte(`{"a":`) }, "not valid JSON"},
		{"no stage", func(r *Record) { r.Stage = "" }, "missing stage"},
		{"seq preset", func(r *Record) { r.Seq = 7 }, "set by the log"},
		{"hash preset", func(r *Record) { r.Hash = "ab" }, "set by the log"},
		{"time out of range", func(r *Record) { r.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rec(1)
			tc.edit(&r)
			if _, err := l.Append(context.Background(), r); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if n := countRows(t, db); n != 0 {
		t.Fatalf("%d rejected records were stored", n)
	}
}

func TestAppendOnlyTriggers(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	mustAppend(t, l, rec(1))
	for _, s := range []string{
		`UPDATE audit_records SET principal = 'mallory'`,
		`DELETE FROM audit_records`,
		`DELETE FROM audit_head`,
	} {
		if _, err := db.ExecContext(context.Background(), s); err == nil {
			t.Errorf("%s: succeeded, want the trigger to refuse", s)
		}
	}
	mustVerify(t, l, 1)
}

func TestOpenTwiceMigratesOnce(t *testing.T) {
	db, _ := openDB(t)
	a := openLog(t, db, Options{})
	mustAppend(t, a, rec(1))
	b := openLog(t, db, Options{})
	mustAppend(t, b, rec(2))
	mustVerify(t, b, 2)
}

func TestConcurrentAppend(t *testing.T) {
	const goroutines, each = 50, 20
	db, _ := openDB(t)
	l := openLog(t, db, Options{HMACKey: testKey})
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				r := rec(g*each + i)
				if i%2 == 0 {
					l.AppendAsync(r)
					continue
				}
				if _, err := l.Append(context.Background(), r); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, l, goroutines*each)
}

func TestAppendAsyncIsOrderedBeforeLaterAppend(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	const async = 300 // more than one batch
	for i := range async {
		l.AppendAsync(rec(i))
	}
	last := mustAppend(t, l, rec(async))
	if last.Seq != async+1 {
		t.Fatalf("the Append after %d AppendAsync got seq %d, want %d", async, last.Seq, async+1)
	}
	// Durable now: a plain read sees every one, in enqueue order.
	rows, err := db.QueryContext(context.Background(), `SELECT args FROM audit_records ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var args string
		if err := rows.Scan(&args); err != nil {
			t.Fatal(err)
		}
		if want := string(rec(i).Args); args != want {
			t.Fatalf("record %d: args %s, want %s", i+1, args, want)
		}
		i++
	}
	if i != async+1 {
		t.Fatalf("%d records stored, want %d", i, async+1)
	}
}

func TestCloseFlushes(t *testing.T) {
	db, path := openDB(t)
	l := openLog(t, db, Options{HMACKey: testKey})
	const n = 500
	for i := range n {
		l.AppendAsync(rec(i))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(context.Background(), rec(0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: got %v, want ErrClosed", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	l2 := openLog(t, reopenDB(t, path), Options{HMACKey: testKey})
	mustVerify(t, l2, n)
}

// poison makes every insert of a record with command "poison" fail, the way
// a full disk would fail a batch.
func poison(t *testing.T, db *store.DB) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER poison BEFORE INSERT ON audit_records WHEN NEW.command = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END`}
	if db.Engine() == store.Postgres {
		stmts = []string{
			`CREATE FUNCTION poisoned() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poisoned'; END $$`,
			`CREATE TRIGGER poison BEFORE INSERT ON audit_records FOR EACH ROW WHEN (NEW.command = 'poison') EXECUTE FUNCTION poisoned()`,
		}
	}
	for _, s := range stmts {
		if _, err := db.SQL().ExecContext(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLostAsyncRecordFailsNextAppend(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{Logger: slog.New(slog.DiscardHandler)})
	poison(t, db)
	bad := rec(1)
	bad.Command = "poison"
	l.AppendAsync(bad)
	// Whether it shares the poisoned batch or comes after it, this Append
	// must not succeed: it promises the async record is durable.
	if _, err := l.Append(context.Background(), rec(2)); err == nil || !strings.Contains(err.Error(), "poisoned") {
		t.Fatalf("Append after a lost async record: got %v, want the batch error", err)
	}
	// Reported once: the log goes on.
	mustAppend(t, l, rec(3))
	got, err := l.Query(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || string(got[0].Args) != string(rec(3).Args) {
		t.Fatalf("stored %+v, want only the last record", got)
	}
	mustVerify(t, l, 1)
}

func TestInvalidAsyncRecordFailsNextAppend(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{Logger: slog.New(slog.DiscardHandler)})
	bad := rec(1)
	bad.Args = []byte("not json")
	l.AppendAsync(bad)
	if _, err := l.Append(context.Background(), rec(2)); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("got %v, want the async record's error", err)
	}
	mustAppend(t, l, rec(3))
	mustVerify(t, l, 1)
}

// Every Append either returns nil and its record is stored, or returns an
// error and it is not: a failed batch never loses a record silently.
func TestFailedBatchReachesEveryWaiter(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	poison(t, db)
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := rec(i)
			if i%10 == 0 {
				r.Command = "poison"
			}
			_, errs[i] = l.Append(context.Background(), r)
		})
	}
	wg.Wait()
	stored := map[string]bool{}
	rows, err := db.QueryContext(context.Background(), `SELECT args FROM audit_records`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		stored[a] = true
	}
	for i, err := range errs {
		if i%10 == 0 && err == nil {
			t.Errorf("poisoned record %d: Append succeeded", i)
		}
		if ok := stored[string(rec(i).Args)]; ok != (err == nil) {
			t.Errorf("record %d: stored=%v but Append returned %v", i, ok, err)
		}
	}
	mustVerify(t, l, int64(len(stored)))
}

func TestAppendHonoursDoneContext(t *testing.T) {
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Append(ctx, rec(1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := countRows(t, db); n != 0 {
		t.Fatalf("a record with a done context was stored")
	}
}
