package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/vpsops/vpsops/internal/approval"
)

// A reinstall over MCP generates the root password and hands it to the
// caller in the call's own result (the text, never the structured
// content), since the call ends long before an approver lets it run. The
// request then runs in this process once approved; the password is never
// stored.
func TestReinstallPasswordGoesOnlyToTheCaller(t *testing.T) {
	t.Run("without forms", func(t *testing.T) { reinstallPassword(t) })
	// The confirm form's answer is the call's last result: the password
	// must come with it (it was lost there once).
	t.Run("through the confirm form", func(t *testing.T) {
		reinstallPassword(t, client.WithElicitationHandler(typing{"web-1"}))
	})
}

func reinstallPassword(t *testing.T, opts ...client.ClientOption) {
	f := newFixture(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.app.Runner.Watch(ctx, 5*time.Millisecond, time.Second, nil)

	c := f.client(t, revisions[0], opts...)
	res := call(t, c, as("mcp:admin"), "reinstall_server", map[string]any{"server": "demo-fra/fra-101", "image": "debian-12"})
	if res.IsError {
		t.Fatalf("reinstall_server: %s", text(res))
	}
	m := regexp.MustCompile(`password \(set when it runs\):\s+(\S+)`).FindStringSubmatch(text(res))
	if m == nil {
		t.Fatalf("no password in the caller's result:\n%s", text(res))
	}
	pw := m[1]
	structured, _ := json.Marshal(res.StructuredContent)
	if bytes.Contains(structured, []byte(pw)) {
		t.Fatal("the password is in the structured content")
	}
	o := outcomeOf(t, res)
	if _, err := f.app.Runner.Decide(context.Background(), shellRequest("shell:bob"), o.Request.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, err := f.app.Approvals.Get(context.Background(), o.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if req.State == approval.Succeeded {
			break
		}
		if req.State.Terminal() || time.Now().After(deadline) {
			t.Fatalf("request %s: %s %s", req.ID, req.State, req.Error)
		}
		time.Sleep(10 * time.Millisecond)
	}
	files, _ := filepath.Glob(filepath.Join(f.dir, "vpsops.db*"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue // the .live directory
		}
		if bytes.Contains(data, []byte(pw)) {
			t.Fatalf("the password is in %s", file)
		}
	}
	if strings.Contains(text(call(t, c, as("mcp:admin"), "get_approval", map[string]any{"id": o.Request.ID})), pw) {
		t.Fatal("get_approval shows the password")
	}
}
