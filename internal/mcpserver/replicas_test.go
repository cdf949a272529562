package mcpserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/pgtest"
)

// roundRobin is a load balancer without affinity: each request goes to
// the next backend, so one client's calls land on every replica in turn.
func roundRobin(t *testing.T, backends ...*httptest.Server) *httptest.Server {
	var next atomic.Int64
	proxies := make([]*httputil.ReverseProxy, len(backends))
	for i, b := range backends {
		u, err := url.Parse(b.URL)
		if err != nil {
			t.Fatal(err)
		}
		proxies[i] = httputil.NewSingleHostReverseProxy(u)
		proxies[i].FlushInterval = -1 // event streams pass through at once
	}
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxies[next.Add(1)%int64(len(proxies))].ServeHTTP(w, r)
	}))
	t.Cleanup(lb.Close)
	return lb
}

// Two replicas of mcp --http on one PostgreSQL behind a load balancer
// without affinity: a client's calls work whichever replica each reaches.
// The confirm of a destructive tool takes one round trip of sealed state
// under the 2026-07-28 revision, which any replica redeems (the key and
// the nonces are in the database). Under 2025-11-25 it is a form the
// server asks for over the session of the replica that initialized it;
// another replica knows no such session, so it cannot ask, and the
// request waits for an approver instead: never run unconfirmed, but a
// second person is needed. Those clients want session affinity
// (docs/replicas.md).
func TestHTTPBehindALoadBalancerWithoutAffinity(t *testing.T) {
	addr := pgtest.URL(t)
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := NewTokens([]config.MCPToken{{Name: "admin", SHA256: HashToken(tok)}})
	if err != nil {
		t.Fatal(err)
	}
	var backends []*httptest.Server
	var first *fixture
	for range 2 {
		f := newFixtureOn(t, Options{PrincipalFrom: PrincipalFrom}, 1000, addr)
		if first == nil {
			first = f
		}
		hs := httptest.NewServer(f.srv.HTTPHandler(ts))
		t.Cleanup(hs.Close)
		backends = append(backends, hs)
	}
	lb := roundRobin(t, backends...)
	for _, rev := range revisions {
		t.Run(rev, func(t *testing.T) {
			ctx := context.Background()
			c := httpClient(t, lb.URL, tok, rev, client.WithElicitationHandler(typing{"web-2"}))
			for range 3 {
				if res := call(t, c, ctx, "whoami", nil); res.IsError || !strings.Contains(text(res), "mcp:admin") {
					t.Fatalf("whoami through the balancer: %s", text(res))
				}
			}
			res := call(t, c, ctx, "delete_server", map[string]any{"server": "demo-fra/fra-102"})
			if o := outcomeOf(t, res); res.IsError || o.Status != "approval_pending" {
				t.Fatalf("a destructive tool through the balancer: %+v %s", o, text(res))
			}
			req, err := first.app.Approvals.Get(ctx, outcomeOf(t, res).Request.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !first.serverExists(t, "fra-102") {
				t.Fatal("deleted without an approver")
			}
			switch {
			case rev == mcp.ProtocolVersion20260728 && (req.DecidedBy != "mcp:admin" || !req.NeedsConfirm):
				t.Fatalf("request %s: not confirmed by its requester through the balancer (decided by %q)", req.ID, req.DecidedBy)
			case rev != mcp.ProtocolVersion20260728 && req.State != approval.Pending:
				t.Fatalf("request %s is %s; without affinity it waits for an approver", req.ID, req.State)
			}
		})
	}
}
