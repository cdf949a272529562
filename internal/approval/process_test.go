package approval

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// helperEnv carries the database path to the re-executed test binary.
const helperEnv = "VPSOPS_APPROVAL_HELPER_DB"

// TestTwoProcessesClaimOnce: this test binary, re-executed as a second
// process, races the parent to claim the same 200 approved requests in one
// database file. Each request is claimed exactly once in total.
func TestTwoProcessesClaimOnce(t *testing.T) {
	ctx := t.Context()
	f := newFixture(t)
	parent := newStore(t, openDB(t, f.path), f.clock, "parent")
	const n = 200
	var all []string
	hashes := map[string]string{}
	for range n {
		r := f.create(t, false, true)
		f.ok(parent.Approve(ctx, r.ID, bob))
		all = append(all, r.ID)
		hashes[r.ID] = hashOf(r)
	}

	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	child.Env = append(os.Environ(), helperEnv+"="+f.path)
	child.Stderr = os.Stderr
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	waitFor := func(prefix string) {
		t.Helper()
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), prefix) {
				return
			}
		}
		child.Process.Kill()
		child.Wait()
		t.Fatalf("child ended before printing %q", prefix)
	}
	waitFor("ready") // the child has opened its store and read the requests

	if _, err := fmt.Fprintln(stdin, "go"); err != nil {
		t.Fatal(err)
	}
	var parentWins []string
	for _, id := range all {
		_, err := parent.Claim(ctx, id, hashes[id])
		switch {
		case err == nil:
			parentWins = append(parentWins, id)
		case !isConflict(err, Executing):
			t.Errorf("parent claim of %s: %v", id, err)
		}
	}

	var childWins []string
	for lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), "won "); ok {
			childWins = append(childWins, id)
		}
	}
	if err := child.Wait(); err != nil {
		t.Fatalf("child process: %v", err)
	}

	t.Logf("parent won %d, child won %d", len(parentWins), len(childWins))
	got := slices.Concat(parentWins, childWins)
	slices.Sort(got)
	slices.Sort(all)
	if !slices.Equal(got, all) {
		t.Fatalf("%d claims won in total for %d requests: each must be claimed exactly once", len(got), len(all))
	}
	for _, id := range childWins {
		if r := f.ok(parent.Get(ctx, id)); r.Executor != "child" {
			t.Errorf("request %s won by the child is executed by %q", id, r.Executor)
		}
	}
	for _, id := range parentWins {
		if r := f.ok(parent.Get(ctx, id)); r.Executor != "parent" {
			t.Errorf("request %s won by the parent is executed by %q", id, r.Executor)
		}
	}
}

// TestHelperProcess is the child side of TestTwoProcessesClaimOnce; run
// directly it does nothing. It prints "ready", waits for a line on stdin,
// claims every approved request and prints "won <id>" for each it won.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper for TestTwoProcessesClaimOnce")
	}
	ctx := context.Background()
	clk := newClock()
	s := newStore(t, openDB(t, path), clk, "child")
	approved, err := s.List(ctx, Filter{States: []State{Approved}})
	if err != nil {
		t.Fatal(err)
	}
	// Oldest first, the order in which the parent claims.
	slices.Reverse(approved)
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatalf("waiting for the start signal: %v", err)
	}
	for _, r := range approved {
		_, err := s.Claim(ctx, r.ID, hashOf(r))
		switch {
		case err == nil:
			fmt.Println("won " + r.ID)
		case !isConflict(err, Executing):
			t.Fatalf("child claim of %s: %v", r.ID, err)
		}
	}
}
