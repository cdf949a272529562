package suble_test

import (
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// TestRebuildEnds: the rebuild Operation ends whether or not the API shows
// a rebuild word, and whether the server comes back running or stopped.
func TestRebuildEnds(t *testing.T) {
	tests := []struct {
		name      string
		opts      []subletest.Option
		polls     int           // status requests until the Operation ends
		final     driver.Status // the server's state then
		installed bool          // progress showed "installing"
		msg       string        // fragment of the last progress message
	}{
		{"installing word", []subletest.Option{subletest.WithSteps(3)}, 3, driver.StatusRunning, true, "rebuilt"},
		// stopped, stopped, then running with a fresh uptime.
		{"quiet, starts after", []subletest.Option{subletest.WithSteps(3), subletest.WithQuietRebuild(true)}, 3, driver.StatusRunning, false, "rebuilt"},
		// stopped throughout: done after three stopped polls.
		{"quiet, stays stopped", []subletest.Option{subletest.WithSteps(2), subletest.WithQuietRebuild(false)}, 3, driver.StatusStopped, false, "showed no rebuild"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmu(t, tc.opts...)
			d := newDriver(t, srv)
			op, err := d.Reinstall(t.Context(), subletest.StoppedID, driver.ReinstallOptions{Image: "debian-12"})
			if err != nil {
				t.Fatal(err)
			}
			progress := wait(t, op)
			if n := srv.Count("GET", vpsPath(subletest.StoppedID, "status")); n != tc.polls {
				t.Errorf("ended after %d polls, want %d", n, tc.polls)
			}
			installed := false
			for _, p := range progress {
				installed = installed || p.Status == "installing"
			}
			if last := progress[len(progress)-1]; installed != tc.installed || last.Percent != 100 || !strings.Contains(last.Message, tc.msg) {
				t.Errorf("progress %+v", progress)
			}
			s, err := d.GetServer(t.Context(), subletest.StoppedID)
			if err != nil || s.Status != tc.final {
				t.Errorf("after the rebuild: %+v, %v; want %s", s, err, tc.final)
			}
		})
	}
}

// TestRebuildIgnoresStaleRunning: "running" with an uptime from before the
// request is not the rebuilt server; the Operation keeps polling.
func TestRebuildIgnoresStaleRunning(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(3), subletest.WithQuietRebuild(true))
	d := newDriver(t, srv)
	status := vpsPath(subletest.StoppedID, "status")
	op, err := d.Reinstall(t.Context(), subletest.StoppedID, driver.ReinstallOptions{Image: "debian-12"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(subletest.Fault{Path: status, Status: 200, Times: 1,
		Body: `{"status":"running","uptime":"86400s","cpus":2,"memory":{"total":2048}}`})
	wait(t, op)
	// The stale answer, then the emulator's stopped, stopped, running.
	if n := srv.Count("GET", status); n != 4 {
		t.Errorf("ended after %d polls, want 4", n)
	}
}
