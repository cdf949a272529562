package mcpserver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// revisions are the protocol revisions every client test runs under: the
// stateless one (multi round-trip requests) and the last with the
// initialize handshake (server-sent elicitation).
var revisions = []string{mcp.ProtocolVersion20260728, mcp.ProtocolVersion20251125}

// principalKey carries a test's principal for a call, as the HTTP
// transport's bearer token would.
type principalKey struct{}

// fixture is the real wiring (SQLite file, demo fleet, policy file) behind
// an MCP server.
type fixture struct {
	app *app.App
	srv *Server
	dir string
}

// testPolicy adds to the default policy an MCP principal that may do
// everything on the demo fleet (mcp:admin) and one that may do nothing
// (mcp:nobody is still an agent through "g, mcp:*, agent").
const testPolicy = "\ng, mcp:admin, admin\n"

func newFixture(t testing.TB, o Options) *fixture {
	t.Helper()
	return newFixtureSpeed(t, o, 1000)
}

// newFixtureSpeed is newFixture with the demo fleet at speed (1: real
// time, a reboot takes seconds; 1000: instant).
func newFixtureSpeed(t testing.TB, o Options, speed float64) *fixture {
	t.Helper()
	return newFixtureOn(t, o, speed, "")
}

// newFixtureOn is newFixtureSpeed on the database at addr ("": a new
// SQLite file), for several replicas on one database.
func newFixtureOn(t testing.TB, o Options, speed float64, addr string) *fixture {
	t.Helper()
	dir := t.TempDir()
	policyPath := filepath.Join(dir, "policy.csv")
	if err := os.WriteFile(policyPath, []byte(vpsops.DefaultPolicy+testPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Database = filepath.Join(dir, "vpsops.db")
	if addr != "" {
		cfg.Database = addr
	}
	cfg.Demo.Speed = speed
	cfg.Policy.Policy = policyPath
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if o.Sealer == nil {
		o.Sealer = testSealer(t, a)
	}
	if o.PrincipalFrom == nil && o.Principal == "" {
		// Tests name the caller per call (as); a fixture given a fixed
		// principal serves like stdio instead.
		o.PrincipalFrom = func(ctx context.Context) (string, bool) {
			p, ok := ctx.Value(principalKey{}).(string)
			return p, ok
		}
	}
	srv, err := New(a.Runner, o)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{app: a, srv: srv, dir: dir}
}

// client starts an in-process client speaking revision, with the given
// options (an elicitation handler, capabilities).
func (f *fixture) client(t testing.TB, revision string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	opts = append([]client.ClientOption{client.WithProtocolVersion(revision)}, opts...)
	c, err := client.NewInProcessClientWithOptions(f.srv.MCP(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return started(t, c, revision)
}

// started starts c, initializes it under revision, and closes it when the
// test ends: every test and benchmark client goes through here.
func started(t testing.TB, c *client.Client, revision string) *client.Client {
	t.Helper()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = revision
	init.Params.ClientInfo = mcp.Implementation{Name: "vpsops-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func as(principal string) context.Context {
	return context.WithValue(context.Background(), principalKey{}, principal)
}

func call(t testing.TB, c *client.Client, ctx context.Context, tool string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s(%v): protocol error %v", tool, args, err)
	}
	return res
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

func shellRequest(principal string) commands.Request {
	return commands.Request{Source: "shell", Principal: commands.Principal(principal), CanConfirm: true}
}

// testClock is the sealer's clock in tests, moved by hand.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.at }
func (c *testClock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.at = c.at.Add(d) }

var sealClock = &testClock{at: time.Now()}

func testSealer(t testing.TB, a *app.App) *Sealer {
	t.Helper()
	ctx := context.Background()
	key, err := StateKey(ctx, a.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	nonces, err := OpenNonces(ctx, a.DB)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSealer(key, nonces, sealClock.now, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// typing answers every confirmation form by typing name (or declining
// when name is "").
type typing struct{ name string }

func (h typing) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	if h.name == "" {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, nil
	}
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
		Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"server_name": h.name}}}, nil
}

func toolRequest(tool string, args any) mcp.CallToolRequest {
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = tool, args
	return req
}

func (f *fixture) serverExistsT(t testing.TB, id string) bool {
	t.Helper()
	p, _ := f.app.Fleet.Get("demo-fra")
	_, err := p.GetServer(context.Background(), id)
	return err == nil
}
