package mcpserver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// HTTPHandler is the server's HTTP face: streamable HTTP at /mcp behind
// bearer tokens (each token's name is the principal mcp:<name>), and
// /healthz, /readyz and /metrics for probes and Prometheus (Options.Probes). mcp-go's DNS-rebinding check stays on (a loopback
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
	failures := &failureLog{every: time.Minute, seen: map[string]*refusals{}}
	mux := http.NewServeMux()
	mux.Handle("/mcp", loopbackHost(sameOrigin(RequireBearer(tokens, func(r *http.Request, reason string) {
		s.authFailed(r, reason, failures)
	}, stream))))
	mux.HandleFunc("/healthz", Health)
	s.o.Probes.Mount(mux)
	return mux
}

// authFailed puts a refused HTTP request on the record: who it was is
// unknown, where it came from and why it was refused are not. Anyone who
// reaches the port can make refusals, and each record is a durable write
// to the audit chain, so one address gets at most one record a minute,
// which counts the refusals it stands for.
func (s *Server) authFailed(r *http.Request, reason string, log *failureLog) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = "unknown address"
	}
	n, write := log.note(host, time.Now())
	if !write {
		return
	}
	more := ""
	if n > 1 {
		more = fmt.Sprintf(" (%d refusals from this address since the last record)", n)
	}
	_ = s.runner.Refused(r.Context(), commands.Request{Source: "mcp", Principal: unauthenticated},
		fault.Errorf(fault.Unauthenticated, "MCP over HTTP refused from %s: %s%s", host, reason, more))
}

// failureLog counts refused requests per remote address and says when
// one should be written to the record.
type failureLog struct {
	every time.Duration
	mu    sync.Mutex
	seen  map[string]*refusals
}

type refusals struct {
	last    time.Time // when the last record was written
	pending int       // refusals since then, this one included
}

// maxAddresses bounds the memory a flood from many addresses can take:
// past it, the counts start afresh (and each address records again).
const maxAddresses = 4096

func (l *failureLog) note(addr string, now time.Time) (count int, write bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) >= maxAddresses {
		l.seen = map[string]*refusals{}
	}
	r := l.seen[addr]
	if r == nil {
		r = &refusals{}
		l.seen[addr] = r
	}
	r.pending++
	if !r.last.IsZero() && now.Sub(r.last) < l.every {
		return r.pending, false
	}
	count, r.pending, r.last = r.pending, 0, now
	return count, true
}

// loopbackHost refuses, before anything else, a request that reached a
// loopback listener under another Host name: a web page that rebound its
// own domain to 127.0.0.1 (DNS rebinding). mcp-go checks the same inside
// its handler; this check runs before the token is even looked at.
func loopbackHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && isLoopback(local.String()) && !isLoopback(r.Host) {
			http.Error(w, `{"error":"this server answers only loopback host names"}`, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
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
