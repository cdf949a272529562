package mcpserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/audit"
)

// A client that cancels its call stops the waiting, not the action: the
// record says the caller stopped waiting and the action may still run,
// and the server shows it rebooting.
func TestCancelledCallStopsOnlyTheWaiting(t *testing.T) {
	f := newFixtureSpeed(t, Options{}, 1) // a reboot takes seconds
	c := f.client(t, revisions[1])
	ctx, cancel := context.WithTimeout(as("mcp:admin"), 200*time.Millisecond)
	defer cancel()
	if res, err := c.CallTool(ctx, toolRequest("reboot_server", map[string]any{"server": "demo-fra/fra-102"})); err == nil && !res.IsError {
		t.Fatalf("the reboot finished within 200 ms: %s", text(res))
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		recs, err := f.app.Audit.Query(context.Background(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.Command == "reboot" && r.Stage == audit.StageInterrupted {
				if !strings.Contains(r.Error, "may still be running") {
					t.Fatalf("interrupted record: %q", r.Error)
				}
				res := call(t, c, as("mcp:admin"), "get_server", map[string]any{"server": "demo-fra/fra-102"})
				if !strings.Contains(text(res), "reboot") && !strings.Contains(text(res), "running") {
					t.Fatalf("get_server after the cancel: %s", text(res))
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no interrupted record after the client cancelled")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
