package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
)

// The chaos test's figures: measured and logged (-v), never asserted.

// perReplica counts process instances (an executor, a poster) by the
// replica they name: "A 67, B 66, C 67".
func perReplica(rs []*replica, instances []string) string {
	var out []string
	for _, r := range rs {
		n := 0
		for _, in := range instances {
			if r.runs(in) {
				n++
			}
		}
		out = append(out, fmt.Sprintf("%s %d", r.name, n))
	}
	return strings.Join(out, ", ")
}

// logPosters says which replica posted the approval messages.
func logPosters(t *testing.T, obs *observer, rs []*replica, posts map[string]string) {
	t.Helper()
	var posters []string
	for id := range posts {
		ps, err := obs.approvals.Posts(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			posters = append(posters, p.PostedBy)
		}
	}
	t.Logf("approval messages posted by replica %s", perReplica(rs, posters))
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// logEndings reports how the requests ended, where they ran, and how
// long it took.
func logEndings(t *testing.T, rs []*replica, final map[string]approval.Request, approving, killedAt time.Time) {
	t.Helper()
	var lastDone, firstCaught, lastCaught time.Time
	var executors []string
	for _, r := range final {
		executors = append(executors, r.Executor)
		if r.State != approval.Interrupted {
			lastDone = later(lastDone, r.UpdatedAt)
			continue
		}
		if firstCaught.IsZero() || r.UpdatedAt.Before(firstCaught) {
			firstCaught = r.UpdatedAt
		}
		lastCaught = later(lastCaught, r.UpdatedAt)
	}
	t.Logf("requests by final state: %v; run by replica %s", byState(final), perReplica(rs, executors))
	t.Logf("from the first press, the last request that ran ended after %s", lastDone.Sub(approving).Round(time.Millisecond))
	if !firstCaught.IsZero() {
		t.Logf("interruptions recorded %s to %s after the SIGKILL (the approval lease is 30 s)",
			firstCaught.Sub(killedAt).Round(time.Millisecond), lastCaught.Sub(killedAt).Round(time.Millisecond))
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
