package audit

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestQueryFilters(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t)
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	l := openLog(t, db, Options{Clock: stepClock(t0)}) // record i is at t0+i s
	for _, r := range []Record{
		{Principal: "slack:T1:alice", Target: "glesys/kvm1"},
		{Principal: "slack:T1:bob", Target: "glesys/kvm2", ApprovalID: "apr_1"},
		{Principal: "slack:T1:alice", Target: "glesys-2/kvm1"},           // not under "glesys/"
		{Principal: "mcp:claude", Target: "glesys", ApprovalID: "apr_1"}, // not under "glesys/" either
		{Principal: "slack:T1:alice", Target: "edis/7"},
		{Principal: "mcp:claude"},
	} {
		r.Source, r.Command, r.Stage = "test", "status", StageRequested
		mustAppend(t, l, r)
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []int64 // seqs, newest first
	}{
		{"everything", Filter{}, []int64{6, 5, 4, 3, 2, 1}},
		{"limit", Filter{Limit: 2}, []int64{6, 5}},
		{"exact server", Filter{Server: "glesys/kvm1"}, []int64{1}},
		{"provider prefix", Filter{Server: "glesys/"}, []int64{2, 1}},
		{"unknown server", Filter{Server: "vpsbg/1"}, nil},
		{"principal", Filter{Principal: "slack:T1:alice"}, []int64{5, 3, 1}},
		{"approval id", Filter{ApprovalID: "apr_1"}, []int64{4, 2}},
		{"since is inclusive", Filter{Since: t0.Add(4 * time.Second)}, []int64{6, 5}},
		{"until is exclusive", Filter{Until: t0.Add(2 * time.Second)}, []int64{2, 1}},
		{"window in another zone", Filter{
			Since: t0.Add(time.Second).In(time.FixedZone("X", -7*3600)),
			Until: t0.Add(3*time.Second + time.Nanosecond)}, []int64{4, 3, 2}},
		{"combined", Filter{Server: "glesys/", Principal: "slack:T1:alice"}, []int64{1}},
		{"far bounds", Filter{Since: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
			Until: time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)}, []int64{6, 5, 4, 3, 2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.Query(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			for _, r := range got {
				seqs = append(seqs, r.Seq)
			}
			if !slices.Equal(seqs, tc.want) {
				t.Fatalf("got %v, want %v", seqs, tc.want)
			}
		})
	}
}

func TestQueryLimits(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	for i := range MaxQueryLimit + 5 {
		l.AppendAsync(rec(i))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, db, Options{})
	for _, tc := range []struct {
		limit, want int
	}{{0, DefaultQueryLimit}, {7, 7}, {MaxQueryLimit + 1, MaxQueryLimit}} {
		got, err := l.Query(ctx, Filter{Limit: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("limit %d: got %d records, want %d", tc.limit, len(got), tc.want)
		}
	}
	if _, err := l.Query(ctx, Filter{Limit: -1}); err == nil {
		t.Error("negative limit accepted")
	}
}

func TestExportFilterAndLimit(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t)
	l := openLog(t, db, Options{})
	for i := range 6 {
		r := rec(i)
		if i%2 == 1 {
			r.Principal = "shell:bob"
		}
		mustAppend(t, l, r)
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []string // the "seq" of each line, in order
	}{
		{"all, oldest first", Filter{}, []string{"1", "2", "3", "4", "5", "6"}},
		{"filtered", Filter{Principal: "shell:bob"}, []string{"2", "4", "6"}},
		{"newest two, oldest first", Filter{Principal: "shell:bob", Limit: 2}, []string{"4", "6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := l.Export(ctx, &buf, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if n != len(tc.want) || len(lines) != n {
				t.Fatalf("n=%d, %d lines, want %d", n, len(lines), len(tc.want))
			}
			for i, line := range lines {
				if !strings.HasPrefix(line, `{"seq":`+tc.want[i]+`,`) {
					t.Errorf("line %d: %s, want seq %s", i, line, tc.want[i])
				}
			}
		})
	}
}
