package driver

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// script answers a poll from a list of errors, then done.
func script(errs ...error) func(context.Context) (Progress, bool, error) {
	i := 0
	return func(context.Context) (Progress, bool, error) {
		if i < len(errs) {
			i++
			return Progress{}, false, errs[i-1]
		}
		return Progress{Percent: 100, Status: "done"}, true, nil
	}
}

func TestPollTolerant(t *testing.T) {
	down := fault.Errorf(fault.Unavailable, "502")
	busy := &fault.Error{Class: fault.Conflict, Busy: true, Message: "locked"}
	gone := fault.Errorf(fault.NotFound, "gone")
	cases := []struct {
		name string
		errs []error
		want error
	}{
		{"three transient failures are ridden out", []error{down, fault.Errorf(fault.RateLimited, "429"), busy}, nil},
		{"a fourth in a row ends the wait", []error{down, down, down, down}, down},
		{"a lasting failure ends it at once", []error{gone}, gone},
		{"a final failure ends it at once whatever its class", []error{Final(down)}, down},
	}
	for _, c := range cases {
		var seen []Progress
		err := PollTolerant("test", time.Nanosecond, script(c.errs...)).Wait(t.Context(), func(p Progress) { seen = append(seen, p) })
		if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if c.want == nil && (len(seen) != 4 || seen[0].Status != "checking" || seen[3].Status != "done") {
			t.Errorf("%s: progress %+v", c.name, seen)
		}
	}
}

// TestPollTolerantCountsAfreshEachWait: failures of an earlier Wait do
// not count against a later one.
func TestPollTolerantCountsAfreshEachWait(t *testing.T) {
	down := fault.Errorf(fault.Unavailable, "502")
	gone := fault.Errorf(fault.NotFound, "gone")
	op := PollTolerant("test", time.Nanosecond, script(down, down, down, gone, down))
	if err := op.Wait(t.Context(), func(Progress) {}); !errors.Is(err, gone) {
		t.Fatalf("first Wait: %v, want %v", err, gone)
	}
	if err := op.Wait(t.Context(), func(Progress) {}); err != nil {
		t.Fatalf("second Wait: %v, want the one failure ridden out", err)
	}
}
