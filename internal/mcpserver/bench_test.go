package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// The tool-call benchmarks time one tools/call get_server through the
// whole server on a real transport, and the same call against a bare
// mcp-go server whose one tool returns a fixed result of the same shape,
// on the same transport in the same run. Ours does the command's work
// (argument checks, policy, the demo driver's read, two audit records)
// and the bare tool none, so BenchmarkToolCallRunner times that work
// alone: ours minus it is what the MCP layer adds. Each reports calls/s
// and CPU time per call. Run them with -benchtime 200x for a smoke
// check, or -benchtime 3s -count 3 for figures (docs/benchmarks.md).

const benchRef = "demo-fra/fra-101"

// benchArgs are the call's arguments, the same for both servers so the
// requests are the same bytes.
var benchArgs = map[string]any{"server": benchRef}

// BenchmarkToolCallRunner is the baseline under both: the same request
// the get_server tool makes, straight to the command runner, with no MCP
// and no transport. Ours minus this is what the MCP layer costs.
func BenchmarkToolCallRunner(b *testing.B) {
	f := newFixture(b, Options{})
	q := commands.Request{Source: "mcp", Principal: "mcp:admin", Command: "status", Args: benchArgs}
	ctx := context.Background()
	res, err := f.app.Runner.Run(ctx, q)
	if err != nil {
		b.Fatalf("status: %v", err)
	}
	if !strings.Contains(commands.Plain(res, true), "web-1") {
		b.Fatalf("status answered %q", commands.Plain(res, true))
	}
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		if _, err := f.app.Runner.Run(ctx, q); err != nil {
			b.Fatalf("status: %v", err)
		}
	}
	reportRates(b, cpu0, cpuOK)
}

// BenchmarkToolCallStdio serves over mcp-go's stdio server on in-memory
// pipes, as cmd/mcp does on its stdin and stdout; the caller is the
// stdio principal (mcp:admin here).
func BenchmarkToolCallStdio(b *testing.B) {
	benchBothServers(b, func(b *testing.B, rev string) *client.Client {
		f := newFixture(b, Options{Principal: "mcp:admin"})
		return stdioClient(b, f.srv.MCP(), rev)
	}, func(b *testing.B, rev string) *client.Client {
		return stdioClient(b, bareServer(), rev)
	})
}

// BenchmarkToolCallHTTP serves streamable HTTP on loopback: ours behind
// its bearer token check (mcp:admin), the bare server with no auth.
func BenchmarkToolCallHTTP(b *testing.B) {
	benchBothServers(b, func(b *testing.B, rev string) *client.Client {
		f := newFixture(b, Options{PrincipalFrom: PrincipalFrom})
		token, tokens := adminToken(b)
		hs := httptest.NewServer(f.srv.HTTPHandler(tokens))
		b.Cleanup(hs.Close)
		return httpBenchClient(b, hs.URL+"/mcp", map[string]string{"Authorization": "Bearer " + token}, rev)
	}, func(b *testing.B, rev string) *client.Client {
		hs := httptest.NewServer(server.NewStreamableHTTPServer(bareServer()))
		b.Cleanup(hs.Close)
		return httpBenchClient(b, hs.URL+"/mcp", nil, rev)
	})
}

// benchBothServers runs, for each protocol revision, the call against
// ours and then against the bare server, one right after the other, so
// each pair runs under much the same load from other work.
func benchBothServers(b *testing.B, ours, bare func(*testing.B, string) *client.Client) {
	for _, rev := range revisions {
		b.Run(rev, func(b *testing.B) {
			b.Run("vpsops", func(b *testing.B) { benchCalls(b, ours(b, rev)) })
			b.Run("bare", func(b *testing.B) { benchCalls(b, bare(b, rev)) })
		})
	}
}

// benchCalls times one caller making get_server calls back to back. The
// first, untimed call must come back right; it also warms the policy
// cache and the connections. It reports calls/s, CPU per call and the
// size of the result as JSON, which shows the two servers answer alike.
func benchCalls(b *testing.B, c *client.Client) {
	ctx := context.Background()
	req := mcp.CallToolRequest{}
	req.Params.Name = "get_server"
	req.Params.Arguments = benchArgs
	res, err := c.CallTool(ctx, req)
	if err != nil {
		b.Fatalf("get_server: %v", err)
	}
	size, err := checkServerResult(res)
	if err != nil {
		b.Fatal(err)
	}
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		res, err := c.CallTool(ctx, req)
		if err != nil {
			b.Fatalf("get_server: %v", err)
		}
		if res.IsError {
			b.Fatalf("get_server failed: %s", text(res))
		}
	}
	reportRates(b, cpu0, cpuOK)
	b.ReportMetric(float64(size), "result-B")
}

// reportRates reports calls/s and, where the process's CPU time can be
// read, the CPU time per call since cpu0.
func reportRates(b *testing.B, cpu0 time.Duration, cpuOK bool) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	if cpu1, ok := processCPU(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
	}
}

// processCPU is the CPU time this process has used (user and system, all
// threads: client, server and audit writer alike), from /proc on Linux.
// On a machine shared with other work, wall time per call moves with the
// load; CPU time per call moves much less, so it is the steadier basis
// for comparing the two servers.
func processCPU() (time.Duration, bool) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: utime and stime are the 12th and 13th, in clock ticks
	// of 10 ms (USER_HZ is 100 on Linux).
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

// checkServerResult checks that a call answered with the benchmarked
// server in structured form, and returns the result's size as JSON.
func checkServerResult(res *mcp.CallToolResult) (int, error) {
	if res.IsError {
		return 0, fmt.Errorf("get_server failed: %s", text(res))
	}
	var got struct {
		Ref string `json:"ref"`
	}
	sc, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(sc, &got); err != nil || got.Ref != benchRef {
		return 0, fmt.Errorf("get_server answered %s, not %s", sc, benchRef)
	}
	whole, err := json.Marshal(res)
	return len(whole), err
}

// bareServer is mcp-go with one trivial tool: no hooks, no output schema,
// a fixed result shaped like get_server's for the demo server.
func bareServer() *server.MCPServer {
	s := server.NewMCPServer("bare", "1", server.WithToolCapabilities(false))
	tool := mcp.NewTool("get_server", mcp.WithString("server", mcp.Required()))
	s.AddTool(tool, func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultStructured(bareData(), bareText), nil
	})
	return s
}

// bareData is built per call, as a real tool would build its answer.
func bareData() map[string]any {
	return map[string]any{
		"ref": benchRef, "provider": "demo-fra", "id": "fra-101", "name": "web-1",
		"status": "running", "state": "online", "locked": false,
		"ipv4": []string{"192.0.2.11"}, "ipv6": []string{"2001:db8:100::1"},
		"region": "fra", "plan": "vps-2", "image": "debian-12",
		"cpus": 2, "memory_mb": 4096, "disk_gb": 80, "created": "2026-05-20T21:23:36Z",
		"usage":        []map[string]any{{"name": "cpu", "value": 29.02, "unit": "%"}},
		"capabilities": []string{"power", "images", "reinstall", "destroy", "console", "login", "iso", "ptr", "snapshots", "snapshot"},
	}
}

const bareText = "demo-fra/fra-101 (web-1): running\n  Provider:  Demo (FRA)\n  Status:    running\n" +
	"  IPv4:      192.0.2.11\n  IPv6:      2001:db8:100::1\n  Region:    fra\n  Plan:      vps-2\n" +
	"  Image:     debian-12\n  Size:      2 vCPU, 4 GB RAM, 80 GB disk\n  Created:   2026-05-20\n" +
	"  cpu:       29.02 %\n  Can do:    power, images, reinstall, delete, console, login, iso, ptr, snapshots, snapshot create\n"

// stdioClient serves s with mcp-go's stdio server on two pipes and
// returns an initialized client on the other ends. The cleanup waits for
// the server to stop: mcp-go keeps one stdio session per process, so the
// next benchmark's server must not start while this one runs.
func stdioClient(b *testing.B, s *server.MCPServer, rev string) *client.Client {
	clientRead, serverWrite := io.Pipe()
	serverRead, clientWrite := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- server.NewStdioServer(s).Listen(ctx, serverRead, serverWrite) }()
	c := client.NewClient(transport.NewIO(clientRead, clientWrite, io.NopCloser(strings.NewReader(""))),
		client.WithProtocolVersion(rev))
	// Runs after started's cleanup (cleanups run last-first), whose
	// c.Close closes the server's input: Listen ends at EOF.
	b.Cleanup(func() {
		if err := <-stopped; err != nil {
			b.Errorf("stdio server: %v", err)
		}
		cancel()
		serverWrite.Close()
	})
	return started(b, c, rev)
}

func httpBenchClient(b *testing.B, url string, headers map[string]string, rev string) *client.Client {
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(headers))
	if err != nil {
		b.Fatal(err)
	}
	return started(b, client.NewClient(tr, client.WithProtocolVersion(rev)), rev)
}

// adminToken makes a bearer token named admin (principal mcp:admin).
func adminToken(b *testing.B) (string, *Tokens) {
	token, err := NewToken()
	if err != nil {
		b.Fatal(err)
	}
	tokens, err := NewTokens([]config.MCPToken{{Name: "admin", SHA256: HashToken(token)}})
	if err != nil {
		b.Fatal(err)
	}
	return token, tokens
}
