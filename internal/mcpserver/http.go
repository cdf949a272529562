package mcpserver

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// HTTPHandler is the server's HTTP face: streamable HTTP at /mcp behind
// bearer tokens (each token's name is the principal mcp:<name>), and
// /healthz for probes. mcp-go's DNS-rebinding check stays on (a loopback
// listener answers only loopback Host headers), and a browser's
// cross-origin request is refused before anything else.
func (s *Server) HTTPHandler(tokens *Tokens) http.Handler {
	stream := server.NewStreamableHTTPServer(s.mcp,
		server.WithEndpointPath("/mcp"),
		server.WithHTTPContextFunc(func(ctx context.Context, r *http.Request) context.Context {
			if p, ok := PrincipalFrom(r.Context()); ok {
				return WithPrincipal(ctx, p)
			}
			return ctx
		}),
	)
	mux := http.NewServeMux()
	mux.Handle("/mcp", sameOrigin(RequireBearer(tokens, s.authFailed, stream)))
	mux.HandleFunc("/healthz", Health)
	return mux
}

// authFailed puts a refused HTTP request on the record: who it was is
// unknown, where it came from and why it was refused are not.
func (s *Server) authFailed(r *http.Request, reason string) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = "unknown address"
	}
	q := commands.Request{Source: "mcp", Principal: "mcp:unauthenticated"}
	_ = s.runner.Refused(r.Context(), q, fault.Errorf(fault.Unauthenticated, "MCP over HTTP refused from %s: %s", host, reason))
}

// sameOrigin refuses a request a web page made from another origin: MCP
// clients send no Origin header, browsers always do, and a page must not
// drive this server with a token it has no business holding.
func sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			u, err := url.Parse(o)
			if err != nil || !strings.EqualFold(u.Host, r.Host) {
				http.Error(w, `{"error":"cross-origin requests are refused"}`, http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
