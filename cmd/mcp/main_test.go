package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/testutil"
)

// serveStdio runs the binary's whole start-up path with a configuration
// file in dir and connects an mcp-go client to its stdin and stdout.
func serveStdio(t *testing.T, dir, extraConfig, revision string, args ...string) (*client.Client, func() int, *testutil.LogBuffer) {
	t.Helper()
	policy := filepath.Join(dir, "policy.csv")
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+"\ng, mcp:admin, admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "vpsops.yaml")
	cfg := fmt.Sprintf("database: %s\ndemo: {speed: 1000}\npolicy: {policy: %s}\n%s", filepath.Join(dir, "vpsops.db"), policy, extraConfig)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	stderr := &testutil.LogBuffer{}
	done := make(chan int, 1)
	go func() {
		code := run(append([]string{"--config", cfgPath}, args...), inR, outW, stderr)
		outW.Close()
		done <- code
	}()
	c := client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))), client.WithProtocolVersion(revision))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = revision
	init.Params.ClientInfo = mcp.Implementation{Name: "stdio-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize: %v\nstderr:\n%s", err, stderr.String())
	}
	stop := func() int {
		inW.Close()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("mcp did not end when stdin closed")
			return -1
		}
	}
	return c, stop, stderr
}

// The binary over stdio, as Claude Desktop or Cursor would start it: it
// lists the principal's tools, answers a read, holds a destructive call
// for approval, and exits 0 when its stdin closes. Nothing but the
// protocol reaches stdout.
func TestStdioEndToEnd(t *testing.T) {
	for _, rev := range []string{mcp.ProtocolVersion20260728, mcp.ProtocolVersion20251125} {
		t.Run(rev, func(t *testing.T) {
			dir := t.TempDir()
			c, stop, stderr := serveStdio(t, dir, "mcp: {principal: 'mcp:admin'}\n", rev)
			ctx := context.Background()
			tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tool := range tools.Tools {
				names = append(names, tool.Name)
			}
			if !slices.Contains(names, "delete_server") || !slices.Contains(names, "get_server") {
				t.Fatalf("tools: %v", names)
			}
			req := mcp.CallToolRequest{}
			req.Params.Name = "get_server"
			req.Params.Arguments = map[string]any{"server": "web-2"}
			res, err := c.CallTool(ctx, req)
			if err != nil || res.IsError {
				t.Fatalf("get_server: %v %+v", err, res)
			}
			req.Params.Name = "delete_server"
			req.Params.Arguments = map[string]any{"server": "demo-fra/fra-102"}
			res, err = c.CallTool(ctx, req)
			if err != nil || res.IsError {
				t.Fatalf("delete_server: %v %+v", err, res)
			}
			b, _ := json.Marshal(res.StructuredContent)
			if !strings.Contains(string(b), `"status":"approval_pending"`) {
				t.Fatalf("delete_server did not wait for approval: %s", b)
			}
			if code := stop(); code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", code, stderr.String())
			}
		})
	}
}

// A bad configuration exits 2 with the key named, before serving.
func TestStdioBadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	os.WriteFile(path, []byte("database: "+filepath.Join(dir, "vpsops.db")+"\nmcp: {principal: 'shell:alice'}\n"), 0o600)
	var out, errOut bytes.Buffer
	code := run([]string{"--config", path}, strings.NewReader(""), &out, &errOut)
	if code != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), "mcp") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
