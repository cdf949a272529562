package audit

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestVerifyRefusesARewrittenTime: the stored time is the text that Since
// and Until compare, so writing the same instant in another form (another
// zone, fewer digits) moves a record out of a time query while the instant
// the hash covers is unchanged. Verify must refuse any form but the one
// the log writes.
func TestVerifyRefusesARewrittenTime(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for name, rewrite := range map[string]func(time.Time) string{
		"another zone":  func(at time.Time) string { return at.In(time.FixedZone("CEST", 2*3600)).Format(time.RFC3339Nano) },
		"short":         func(at time.Time) string { return at.Format(time.RFC3339Nano) },
		"lower-case z":  func(at time.Time) string { return strings.ToLower(formatTime(at)) },
		"space instead": func(at time.Time) string { return strings.Replace(formatTime(at), "T", " ", 1) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := openDB(t)
			l := openLog(t, db, Options{HMACKey: testKey, Clock: stepClock(t0)})
			for i := range 5 {
				mustAppend(t, l, rec(i))
			}
			at := t0.Add(2 * time.Second) // record 3
			stored := rewrite(at)
			if parsed, err := time.Parse(time.RFC3339Nano, stored); err == nil && !parsed.Equal(at) {
				t.Fatalf("the rewrite %q is another instant", stored)
			}
			tamper(t, db, fmt.Sprintf(`UPDATE audit_records SET time = '%s' WHERE seq = 3`, stored))

			rep, err := l.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || rep.BadSeq != 3 || !strings.Contains(rep.Problem, "time") {
				t.Fatalf("verify after rewriting record 3's time as %q: %+v", stored, rep)
			}
		})
	}
}
