package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/audit"
)

// FuzzRunText drives the whole runner (parse, validate, resolve, policy,
// gates, demo driver, audit) with arbitrary lines from a principal with
// and one without grants: never a panic, errors are one line, and every
// request leaves at least one audit record.
func FuzzRunText(f *testing.F) {
	for _, s := range []string{"list", "status demo-fra/fra-101", "delete web-1", "reinstall demo-nyc/nyc-201 debian-12 password=xxxxxxxx",
		"ptr set demo-fra/fra-101 192.0.2.11 a.example.com", "approve r-aaaaaaaa", "audit server=demo-fra/ limit=3", "confirm", "help help"} {
		f.Add(s, true)
	}
	a := newTestApp(f)
	ctx := context.Background()
	count := func() int64 {
		recs, err := a.Audit.Query(ctx, audit.Filter{Limit: 1})
		if err != nil || len(recs) == 0 {
			return 0
		}
		return recs[0].Seq
	}
	f.Fuzz(func(t *testing.T, line string, granted bool) {
		who := "discord:42"
		if granted {
			who = alice
		}
		before := count()
		res, err := a.Runner.RunText(ctx, shellReq(who), line)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error for %q: %q", line, err)
		}
		if err == nil && res.Title == "" && res.Text == "" && res.Table == nil {
			t.Fatalf("empty result for %q", line)
		}
		if after := count(); after <= before {
			t.Fatalf("%q left no audit record", line)
		}
	})
}
