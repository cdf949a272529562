package commands

import (
	"testing"

	"github.com/vpsops/vpsops/internal/audit"
)

// capped tells "more match" (the user may see one past the cap) from
// "more may match" (the fetch was full, but what is past the cap may not
// be for this user's eyes) from a complete list.
func TestCappedAndShown(t *testing.T) {
	for _, c := range []struct {
		visible     int
		fetchedMore bool
		rows        int
		size        Size
		shown       string
	}{
		{visible: 3, rows: 3, size: Size{Total: 3}, shown: ""},
		{visible: 6, fetchedMore: true, rows: 5, size: Size{Total: 6, Truncated: true}, shown: "showing 5 of more than 5"},
		{visible: 2, fetchedMore: true, rows: 2, size: Size{Total: 2, Truncated: true}, shown: "showing 2; more may match"},
	} {
		items, size := capped(make([]int, c.visible), 5, c.fetchedMore)
		if len(items) != c.rows || size != c.size {
			t.Errorf("%+v: got %d items, %+v", c, len(items), size)
		}
		tb := &Table{Rows: make([][]string, len(items)), Size: size}
		if got := tb.Shown(); got != c.shown {
			t.Errorf("%+v: Shown() = %q", c, got)
		}
	}
}

// A record written without an error class (an interrupted run) must not
// read ": executor …" in the audit table or a request's fields.
func TestErrorWithoutClassReadsCleanly(t *testing.T) {
	msg := "executor h/1/abc stopped renewing its lease"
	tab := auditTable([]audit.Record{{Seq: 1, Stage: audit.StageInterrupted, Outcome: audit.OutcomeError, Error: msg}}, Size{Total: 1})
	if got := tab.Rows[0][len(tab.Rows[0])-1]; got != "error "+msg {
		t.Fatalf("audit outcome cell = %q", got)
	}
	if got := errorLine("unavailable", msg); got != "unavailable: "+msg {
		t.Fatalf("with a class: %q", got)
	}
}
