package mcpserver

import (
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// A long operation reports progress to a client that sent a progress
// token: notifications/progress with that token, progress out of 100.
func TestProgressNotifications(t *testing.T) {
	for _, rev := range revisions {
		t.Run(rev, func(t *testing.T) {
			f := newFixture(t, Options{})
			c := f.client(t, rev)
			var (
				mu   sync.Mutex
				seen []map[string]any
			)
			c.OnNotification(func(n mcp.JSONRPCNotification) {
				if n.Method == "notifications/progress" {
					mu.Lock()
					seen = append(seen, n.Params.AdditionalFields)
					mu.Unlock()
				}
			})
			req := toolRequest("reboot_server", map[string]any{"server": "demo-fra/fra-102"})
			req.Params.Meta = &mcp.Meta{ProgressToken: "tok-1"}
			res, err := c.CallTool(as("mcp:admin"), req)
			if err != nil || res.IsError {
				t.Fatalf("reboot_server: %v %s", err, text(res))
			}
			// The client hands notifications to its handler on a goroutine
			// of its own: wait for it (a generous bound, not a timing).
			deadline := time.Now().Add(20 * time.Second)
			for {
				mu.Lock()
				n := len(seen)
				mu.Unlock()
				if n > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no progress notification")
				}
				time.Sleep(2 * time.Millisecond)
			}
			mu.Lock()
			defer mu.Unlock()
			last := seen[len(seen)-1]
			if last["progressToken"] != "tok-1" || last["total"] == nil || last["message"] == "" {
				t.Fatalf("progress %v", last)
			}
		})
	}
}
