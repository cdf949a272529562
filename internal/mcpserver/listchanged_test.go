package mcpserver

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	vpsops "github.com/vpsops/vpsops"
)

// When the policy is reloaded, clients are told the tool list changed,
// and the list they fetch then follows the new policy.
func TestPolicyReloadChangesTheToolList(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(t, revisions[1])
	var changed atomic.Int32
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationToolsListChanged {
			changed.Add(1)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.srv.WatchPolicy(ctx, 5*time.Millisecond)

	list := func() []string {
		res, err := c.ListTools(as("mcp:claude"), mcp.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tool := range res.Tools {
			out = append(out, tool.Name)
		}
		return out
	}
	if slices.Contains(list(), "delete_server") {
		t.Fatal("an agent is offered delete_server")
	}
	policy := filepath.Join(f.dir, "policy.csv")
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+testPolicy+"g, mcp:claude, admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.app.Policy.Reload(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for changed.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no tools/list_changed after the policy reload")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !slices.Contains(list(), "delete_server") {
		t.Fatal("the list does not follow the new policy")
	}
}
