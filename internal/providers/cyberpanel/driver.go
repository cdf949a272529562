// Package cyberpanel drives the CyberPanel Cloud Platform API v1
// (platform.cyberpersons.com, Proxmox-backed hourly VPS) with a scoped
// Bearer key: list, details with live metrics, start/stop/restart, delete,
// noVNC console, OS templates (as images), snapshots, and deployment
// progress. The API has no reinstall, ISO, reverse DNS or hard power-off
// endpoints, so the Driver does not implement those interfaces and
// Instead says what to do.
//
// The platform limits each key to 60 requests a minute and 1,000 an hour;
// every request goes through a client-side limiter (limiter.go) so that a
// burst of commands queues, or fails at once with rate_limited and the time
// to wait, instead of being refused by the API.
package cyberpanel

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// Driver is one CyberPanel Cloud account. It is safe for concurrent use.
type Driver struct {
	key   string
	base  string
	hc    *http.Client
	poll  time.Duration
	now   func() time.Time
	log   *slog.Logger
	lim   *limiter
	agent string
}

// New returns a driver for cfg; zero fields take NewDefaultConfig's values.
func New(cfg Config) (*Driver, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Driver{
		key:  cfg.APIKey,
		base: strings.TrimRight(cfg.BaseURL, "/"),
		// Go keeps Authorization on a same-host redirect, even
		// https→http: no redirect is followed, whoever built the client.
		hc:    wire.NoRedirects(cfg.HTTPClient),
		poll:  cfg.PollInterval,
		now:   cfg.Clock,
		log:   cfg.Logger,
		lim:   newLimiter(cfg.RateLimitPerMinute, cfg.RateLimitPerHour, cfg.RateLimitMaxWait, cfg.Clock, cfg.Sleep),
		agent: "vpsops/" + buildinfo.String(),
	}, nil
}

// What the API offers; these fail to compile if a method drifts. There is
// deliberately no Reinstaller (templates serve only at creation), ISOMounter
// or PTRManager.
var (
	_ driver.Driver          = (*Driver)(nil)
	_ driver.PowerController = (*Driver)(nil)
	_ driver.ImageLister     = (*Driver)(nil)
	_ driver.Destroyer       = (*Driver)(nil)
	_ driver.Consoler        = (*Driver)(nil)
	_ driver.Snapshotter     = (*Driver)(nil)
	_ driver.Describer       = (*Driver)(nil)
)
