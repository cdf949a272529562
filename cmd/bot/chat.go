package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/chat"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/mcpserver"
	"github.com/vpsops/vpsops/internal/metrics"
)

// chatAdapters are the chat platforms this process serves, and the HTTP
// listener their endpoints (and /healthz, /readyz, /metrics) are served
// on. With http.listen set and no platform it is the listener alone.
type chatAdapters struct {
	slack   *slackchat.Adapter
	discord *discordchat.Adapter
	mux     *http.ServeMux
	listen  string
	log     *slog.Logger
}

// openChat builds the configured chat adapters and checks their
// credentials with the platform, so a wrong token stops the start with
// one line.
func openChat(ctx context.Context, a *app.App, m *metrics.Metrics, log *slog.Logger) (*chatAdapters, error) {
	cfg := a.Config
	c := &chatAdapters{mux: http.NewServeMux(), listen: cfg.HTTP.Listen, log: log}
	c.mux.HandleFunc("/healthz", mcpserver.Health)
	(&metrics.Probes{Metrics: m, Ready: a.Ready, Log: log}).Mount(c.mux)
	var (
		deliveries chat.Deliveries
		pages      chat.Pages
	)
	if cfg.Slack.Enabled() || cfg.Discord.Enabled() {
		// In the database every replica shares, so a delivery that
		// reaches two replicas acts once (docs/deliveries.md).
		d, err := chat.OpenDeliveries(ctx, a.DB, nil)
		if err != nil {
			return nil, err
		}
		deliveries = d
		if pages, err = chat.OpenPages(ctx, a.DB, nil); err != nil {
			return nil, err
		}
	}
	if cfg.Slack.Enabled() {
		s := cfg.Slack
		ad, err := slackchat.New(ctx, a.Runner, slackchat.Config{
			BotToken: s.BotToken.Reveal(), AppToken: s.AppToken.Reveal(), SigningSecret: s.SigningSecret.Reveal(),
			ApprovalsChannel: s.ApprovalsChannel, APIURL: s.APIURL, Logger: log, Acks: m, Deliveries: deliveries, Pages: pages,
		})
		if err != nil {
			return nil, err
		}
		if err := ad.Start(ctx); err != nil {
			return nil, err
		}
		if !s.AppToken.IsSet() {
			if err := ad.Routes(c.mux); err != nil {
				return nil, err
			}
		}
		c.slack = ad
	}
	if cfg.Discord.Enabled() {
		d := cfg.Discord
		// Replicas sharing the database elect the one that holds the
		// gateway connection; HTTP interactions reach every replica.
		var duties discordchat.Duties
		if a.Duties != nil {
			duties = a.Duties
		}
		ad, err := discordchat.New(ctx, a.Runner, discordchat.Config{Duties: duties,
			Token: d.Token.Reveal(), AppID: d.AppID, GuildID: d.GuildID, PublicKey: d.PublicKey,
			ApprovalsChannel: d.ApprovalsChannel, APIURL: d.APIURL, Logger: log, Acks: m, Deliveries: deliveries, Pages: pages,
		})
		if err != nil {
			return nil, err
		}
		if d.PublicKey != "" {
			if err := ad.Routes(c.mux, nil); err != nil {
				return nil, err
			}
		}
		if err := ad.Start(ctx); err != nil {
			return nil, err
		}
		c.discord = ad
	}
	return c, nil
}

// notify passes a watcher notice to every adapter.
func (c *chatAdapters) notify(ctx context.Context, n commands.Notice) {
	if c.slack != nil {
		c.slack.Notify(ctx, n)
	}
	if c.discord != nil {
		c.discord.Notify(ctx, n)
	}
}

// run serves until ctx ends; wait returns once everything has stopped
// (commands under way included, up to grace).
func (c *chatAdapters) run(ctx context.Context, grace time.Duration) (wait func(), err error) {
	var wg sync.WaitGroup
	var srv *http.Server
	if c.listen != "" {
		ln, err := net.Listen("tcp", c.listen)
		if err != nil {
			return nil, fmt.Errorf("http.listen %s: %w", c.listen, err)
		}
		srv = &http.Server{Handler: c.mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			ErrorLog: slog.NewLogLogger(c.log.Handler(), slog.LevelWarn)}
		c.log.Info("serving HTTP", "listen", ln.Addr().String())
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				c.log.Error("HTTP listener stopped", "err", err)
			}
		}()
	}
	if c.slack != nil {
		wg.Add(1)
		go func() { defer wg.Done(); c.slack.Run(ctx) }()
	}
	if c.discord != nil {
		wg.Add(1)
		go func() { defer wg.Done(); c.discord.Run(ctx) }()
	}
	return func() {
		<-ctx.Done()
		if srv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), grace)
			_ = srv.Shutdown(sctx)
			cancel()
		}
		wg.Wait()
		if c.slack != nil || c.discord != nil {
			done := make(chan struct{})
			go func() {
				if c.slack != nil {
					c.slack.Wait()
				}
				if c.discord != nil {
					c.discord.Wait()
				}
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(grace):
				c.log.Warn("stopping with chat commands still under way")
			}
		}
	}, nil
}
