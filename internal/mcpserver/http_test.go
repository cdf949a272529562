package mcpserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/config"
)

// httpFixture serves the fixture's server over real HTTP on loopback with
// two tokens: "admin" (mcp:admin, an admin by the test policy) and
// "claude" (mcp:claude, an agent).
func httpFixture(t *testing.T) (*fixture, *httptest.Server, map[string]string) {
	t.Helper()
	f := newFixture(t, Options{PrincipalFrom: PrincipalFrom})
	tokens := map[string]string{}
	var entries []config.MCPToken
	for _, name := range []string{"admin", "claude"} {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok
		entries = append(entries, config.MCPToken{Name: name, SHA256: HashToken(tok)})
	}
	ts, err := NewTokens(entries)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(f.srv.HTTPHandler(ts))
	t.Cleanup(hs.Close)
	return f, hs, tokens
}

func httpClient(t *testing.T, url, token, revision string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	tr, err := transport.NewStreamableHTTP(url+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		t.Fatal(err)
	}
	return started(t, client.NewClient(tr, append([]client.ClientOption{client.WithProtocolVersion(revision)}, opts...)...), revision)
}

// Over streamable HTTP each token is its principal: the tool list, the
// answers and the confirm round trip are its own, under both revisions.
func TestHTTPTokensArePrincipals(t *testing.T) {
	for _, rev := range revisions {
		t.Run(rev, func(t *testing.T) {
			f, hs, tokens := httpFixture(t)
			ctx := context.Background()
			names := func(c *client.Client) []string {
				res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, tool := range res.Tools {
					out = append(out, tool.Name)
				}
				return out
			}
			admin := httpClient(t, hs.URL, tokens["admin"], rev, client.WithElicitationHandler(typing{"web-2"}))
			agent := httpClient(t, hs.URL, tokens["claude"], rev)
			if !slices.Contains(names(admin), "delete_server") || slices.Contains(names(agent), "delete_server") {
				t.Fatalf("admin %v\nagent %v", names(admin), names(agent))
			}
			res := call(t, agent, ctx, "whoami", nil)
			if res.IsError || !strings.Contains(text(res), "mcp:claude") {
				t.Fatalf("whoami as claude: %s", text(res))
			}
			res = call(t, admin, ctx, "delete_server", map[string]any{"server": "demo-fra/fra-102"})
			if o := outcomeOf(t, res); res.IsError || o.Status != "approval_pending" || o.Request.Gate != "approval" {
				t.Fatalf("confirm over HTTP: %+v %s", o, text(res))
			}
			if !f.serverExists(t, "fra-102") {
				t.Fatal("deleted without an approver")
			}
			// It was confirmed through the form, not sent straight to approval.
			if req, err := f.app.Approvals.Get(ctx, outcomeOf(t, res).Request.ID); err != nil || req.DecidedBy != "mcp:admin" || !req.NeedsConfirm {
				t.Fatalf("request %+v %v: not confirmed by the form", req, err)
			}
		})
	}
}

// No token, a wrong one or another scheme: 401 with WWW-Authenticate,
// audited; a cross-origin page is refused; /healthz answers.
func TestHTTPRefusals(t *testing.T) {
	f, hs, tokens := httpFixture(t)
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`
	for name, auth := range map[string]string{"none": "", "wrong": "Bearer " + tokens["admin"] + "x", "basic": "Basic YWRtaW46eA=="} {
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s token: %d %q", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/mcp", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tokens["admin"])
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin request: %d", resp.StatusCode)
	}
	resp, err = http.Get(hs.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	recs, err := f.app.Audit.Query(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Source == "mcp" && r.ErrorClass == "unauthenticated" {
			n++
			if strings.Contains(r.Error, tokens["admin"]) {
				t.Fatal("a token reached the audit trail")
			}
		}
	}
	// Three refusals from one address within a minute: one durable
	// record, so a flood cannot grow the audit chain at will.
	if n != 1 {
		t.Fatalf("%d refused HTTP requests on record, want 1", n)
	}

	// A page that rebound its domain to 127.0.0.1 is refused before the
	// token is looked at.
	req, _ = http.NewRequest(http.MethodPost, hs.URL+"/mcp", strings.NewReader(body))
	req.Host = "rebound.example:80"
	req.Header.Set("Authorization", "Bearer "+tokens["admin"])
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("rebound Host: %d", resp.StatusCode)
	}
}

func TestFailureLogWritesOnceAMinutePerAddress(t *testing.T) {
	l := &failureLog{every: time.Minute, seen: map[string]*refusals{}}
	t0 := time.Now()
	var writes []int
	for i := range 100 {
		if n, ok := l.note("192.0.2.1", t0.Add(time.Duration(i)*time.Second)); ok {
			writes = append(writes, n)
		}
	}
	if !slices.Equal(writes, []int{1, 60}) {
		t.Fatalf("records for 100 refusals over 100 s: %v, want [1 60]", writes)
	}
	if _, ok := l.note("198.51.100.7", t0); !ok {
		t.Fatal("another address is not recorded")
	}
}
