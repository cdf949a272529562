package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/mcpserver"
)

// confirmTTL bounds how long a confirmation form stays answerable: no
// longer than the confirm gate itself waits (5 minutes by default).
const confirmTTL = 5 * time.Minute

// newSealer seals confirm states with mcp.state_key when set, else with a
// key generated once into the database (shared by every process on it).
func newSealer(ctx context.Context, a *app.App, cfg *config.Config) (*mcpserver.Sealer, *mcpserver.Nonces, error) {
	key, err := mcpserver.StateKey(ctx, a.DB, []byte(cfg.MCP.StateKey.Reveal()))
	if err != nil {
		return nil, nil, err
	}
	nonces, err := mcpserver.OpenNonces(ctx, a.DB)
	if err != nil {
		return nil, nil, err
	}
	s, err := mcpserver.NewSealer(key, nonces, time.Now, confirmTTL)
	return s, nonces, err
}

// pruneNonces drops the used and expired confirm nonces every minute.
func pruneNonces(ctx context.Context, n *mcpserver.Nonces) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = n.Prune(ctx, time.Now())
		}
	}
}

// serveHTTP serves until ctx ends, then shuts down gracefully: requests in
// flight get up to 10 s to finish.
func serveHTTP(ctx context.Context, srv *mcpserver.Server, tokens *mcpserver.Tokens, addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           srv.HTTPHandler(tokens),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("vpsops mcp serving streamable HTTP", "version", buildinfo.String(), "url", "http://"+ln.Addr().String()+"/mcp")
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
