package cyberpanel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/providers/wire"
)

// DefaultBaseURL is the documented API root.
const DefaultBaseURL = "https://platform.cyberpersons.com/api/v1"

// Documented default rate limits per API key (the platform can configure
// others per key; set Config.RateLimitPerMinute/PerHour to match).
const (
	DefaultRateLimitPerMinute = 60
	DefaultRateLimitPerHour   = 1000
)

// Defaults for the other Config fields.
const (
	DefaultPollInterval     = 5 * time.Second
	DefaultRateLimitMaxWait = time.Minute
	defaultHTTPTimeout      = 30 * time.Second
)

// Config configures one CyberPanel Cloud account (one API key).
type Config struct {
	// APIKey is the Bearer key, "cyp_live_" + 64 hex digits, with at least
	// the vps:read scope (vps:write for power and snapshots, vps:write and
	// vps:delete for destroy). It is a secret.
	APIKey string
	// BaseURL is the API root (default DefaultBaseURL); tests point it at
	// the emulator. It must be https, or plain http to a loopback host.
	BaseURL string
	// HTTPClient makes the requests (default: a client with a 30 s
	// timeout as a backstop; calls are normally bounded by their context,
	// but operation polls run outside the wrapper's per-call timeout). New
	// uses a copy that follows no redirects.
	HTTPClient *http.Client
	// PollInterval is how often operations re-read the server (default
	// 5 s). Every poll spends one request of the rate limit.
	PollInterval time.Duration
	// RateLimitPerMinute and RateLimitPerHour are the key's limits
	// (defaults 60 and 1000; negative disables a limit).
	RateLimitPerMinute int
	RateLimitPerHour   int
	// RateLimitMaxWait bounds how long a call queues for the rate limiter
	// when its context allows longer (default 1 min); a call that would
	// wait longer fails at once with rate_limited and the time to wait.
	RateLimitMaxWait time.Duration
	// Clock is the time source (default time.Now) and Sleep waits d or
	// until ctx ends (default: a timer). Tests inject both to drive the
	// rate limiter without waiting.
	Clock func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives one debug line per request (method, path, status,
	// duration; never the key or bodies). Default: discard.
	Logger *slog.Logger
}

// NewDefaultConfig returns a Config with every default filled in except
// APIKey.
func NewDefaultConfig() Config {
	return Config{
		BaseURL:            DefaultBaseURL,
		HTTPClient:         &http.Client{Timeout: defaultHTTPTimeout},
		PollInterval:       DefaultPollInterval,
		RateLimitPerMinute: DefaultRateLimitPerMinute,
		RateLimitPerHour:   DefaultRateLimitPerHour,
		RateLimitMaxWait:   DefaultRateLimitMaxWait,
		Clock:              time.Now,
		Sleep:              wire.Sleep,
		Logger:             slog.New(slog.DiscardHandler),
	}
}

// withDefaults fills the zero fields of c from NewDefaultConfig.
func (c Config) withDefaults() Config {
	d := NewDefaultConfig()
	if c.BaseURL == "" {
		c.BaseURL = d.BaseURL
	}
	if c.HTTPClient == nil {
		c.HTTPClient = d.HTTPClient
	}
	if c.PollInterval <= 0 {
		c.PollInterval = d.PollInterval
	}
	if c.RateLimitPerMinute == 0 {
		c.RateLimitPerMinute = d.RateLimitPerMinute
	}
	if c.RateLimitPerHour == 0 {
		c.RateLimitPerHour = d.RateLimitPerHour
	}
	if c.RateLimitMaxWait <= 0 {
		c.RateLimitMaxWait = d.RateLimitMaxWait
	}
	if c.Clock == nil {
		c.Clock = d.Clock
	}
	if c.Sleep == nil {
		c.Sleep = d.Sleep
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	return c
}

// validate checks c; errors name the field, never a secret's value.
func (c Config) validate() error {
	var errs []error
	switch {
	case c.APIKey == "":
		errs = append(errs, errors.New("APIKey is empty"))
	case !strings.HasPrefix(c.APIKey, "cyp_"):
		errs = append(errs, errors.New(`APIKey does not look like a CyberPanel API key (they start with "cyp_live_")`))
	case len(c.APIKey) > 256 || strings.ContainsFunc(c.APIKey, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}):
		errs = append(errs, errors.New("APIKey has characters other than letters, digits and '_'"))
	}
	// https, or plain http only to loopback (the emulator), so the key
	// never crosses a network in clear text; the URL is never quoted.
	if err := wire.CheckBaseURL("BaseURL", c.BaseURL); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cyberpanel config: %w", err)
	}
	return nil
}
