package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/mcpserver"
	"github.com/vpsops/vpsops/internal/testutil"
)

// tssdkDir holds the black-box script and its pinned npm dependencies
// (installed by `npm ci` there; .ci/run does it).
var tssdkDir = filepath.Join("..", "..", "test", "tssdk")

// The built binary as a real client sees it: the official MCP TypeScript
// SDK client (test/tssdk/blackbox.mjs) lists the tools, reads a server and
// asks to delete one, over stdio and over HTTP with a bearer token. Without
// a form to confirm with, the delete must wait for an approver and the
// server must still exist. On SIGTERM the HTTP server exits 0.
func TestTSSDKBlackBox(t *testing.T) {
	node := needNodeSDK(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	dir := t.TempDir()
	bin := filepath.Join(dir, "mcp")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/mcp: %v\n%s", err, out)
	}
	token, err := mcpserver.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeBlackBoxConfig(t, dir, mcpserver.HashToken(token))

	t.Run("stdio", func(t *testing.T) {
		runBlackBox(ctx, t, node, nil, "stdio", bin, cfg)
	})
	t.Run("http", func(t *testing.T) {
		addr := freeLoopbackAddr(t)
		var stderr testutil.LogBuffer
		srv := exec.CommandContext(ctx, bin, "--config", cfg, "--http", addr)
		srv.Stderr = &stderr
		if err := srv.Start(); err != nil {
			t.Fatalf("start mcp --http: %v", err)
		}
		var waitErr error
		exited := make(chan struct{})
		go func() { waitErr = srv.Wait(); close(exited) }()
		defer func() {
			_ = srv.Process.Kill() // a no-op once it has exited
			<-exited
		}()
		if err := awaitHealthy(ctx, "http://"+addr+"/healthz", exited); err != nil {
			t.Fatalf("mcp --http %s never became healthy: %v\nstderr:\n%s", addr, err, stderr.String())
		}

		runBlackBox(ctx, t, node, []string{"VPSOPS_MCP_TOKEN=" + token}, "http", "http://"+addr+"/mcp")

		if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM: %v", err)
		}
		<-exited
		if waitErr != nil {
			t.Fatalf("mcp --http after SIGTERM: %v (want exit 0)\nstderr:\n%s", waitErr, stderr.String())
		}
	})
}

// needNodeSDK returns node's path, or skips when node or the installed SDK
// is missing; under CI (CI set) that is a failure instead, so the check
// cannot silently vanish from the pipeline.
func needNodeSDK(t *testing.T) string {
	t.Helper()
	missing := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so this check must run)")
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH: the TypeScript SDK black-box test needs Node 20 or later")
	}
	sdk := filepath.Join(tssdkDir, "node_modules", "@modelcontextprotocol", "sdk", "package.json")
	if _, err := os.Stat(sdk); err != nil {
		missing("the MCP TypeScript SDK is not installed: run `npm ci` in test/tssdk")
	}
	return node
}

// writeBlackBoxConfig writes a configuration for the demo fleet, with its
// database in dir, the default policy plus mcp:admin as an admin, and one
// token "admin" (principal mcp:admin) known by its hash.
func writeBlackBoxConfig(t *testing.T, dir, tokenHash string) string {
	t.Helper()
	policy := filepath.Join(dir, "policy.csv")
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+"\ng, mcp:admin, admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "vpsops.yaml")
	body := fmt.Sprintf("database: %s\ndemo: {speed: 1000}\npolicy: {policy: %s}\nmcp: {principal: 'mcp:admin', tokens: [{name: admin, sha256: %s}]}\n",
		filepath.Join(dir, "vpsops.db"), policy, tokenHash)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// runBlackBox runs blackbox.mjs with args and fails unless it exits 0 and
// prints its one JSON line with ok set.
func runBlackBox(ctx context.Context, t *testing.T, node string, env []string, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, append([]string{"blackbox.mjs"}, args...)...)
	cmd.Dir = tssdkDir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// The stdio server inherits stderr; do not wait on it forever should it
	// outlive the script.
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("blackbox.mjs %s: %v\nstdout:\n%s\nstderr:\n%s", args[0], err, stdout.String(), stderr.String())
	}
	var got struct {
		OK    bool   `json:"ok"`
		State string `json:"state"`
	}
	line := strings.TrimSpace(stdout.String())
	if err := json.Unmarshal([]byte(line), &got); err != nil || !got.OK || got.State != "pending" {
		t.Fatalf("blackbox.mjs %s printed %q, want one JSON line with ok true and state pending\nstderr:\n%s", args[0], line, stderr.String())
	}
	t.Logf("blackbox.mjs %s: %s", args[0], line)
}

// freeLoopbackAddr is a loopback address whose port was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// awaitHealthy polls url until it answers 200, the process exits, or ctx
// ends.
func awaitHealthy(ctx context.Context, url string, exited <-chan struct{}) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("it exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
