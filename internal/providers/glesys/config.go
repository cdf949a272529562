// Package glesys is the vpsops driver for GleSYS Cloud (api.glesys.com).
//
// Calls go to https://api.glesys.com/{module}/{function} as POST with a
// JSON body, HTTP Basic auth with the project key and a permanent API key,
// and Accept: application/json; every answer is wrapped in the
// response.status envelope, whose code mirrors the HTTP status and is
// mapped to the portable error classes. Power actions, destroy and the
// other capabilities are described in their files; what rests on
// undocumented API behaviour is collected in unverified.go.
//
// The driver implements driver.Driver, PowerController (start, stop,
// poweroff, reboot), Destroyer, Consoler, ISOMounter, PTRManager and
// Describer. GleSYS has no reinstall API, so Reinstaller (and with it the
// image list) is not implemented; backups are not offered as snapshots
// because the manual-backup functions' arguments are undocumented.
package glesys

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/providers/wire"
)

// DefaultBaseURL is the GleSYS API endpoint.
const DefaultBaseURL = "https://api.glesys.com"

// DefaultHTTPTimeout bounds each request of the client New makes when
// Config.HTTPClient is nil.
const DefaultHTTPTimeout = 30 * time.Second

// DefaultPollInterval is how often operations poll server/details: the
// reference asks to keep that polling to a few seconds' interval.
const DefaultPollInterval = 3 * time.Second

// Config configures a Driver. APIKey is a secret: it is sent only in the
// Authorization header and never logged or put into an error.
type Config struct {
	// Project is the project key ("cl12345"), the Basic-auth username.
	Project string
	// APIKey is the project's permanent API key, the Basic-auth password.
	APIKey string
	// BaseURL overrides DefaultBaseURL (tests, proxies). It is checked by
	// wire.CheckBaseURL: plain http is accepted only for loopback hosts, so
	// the key never crosses a network in clear text.
	BaseURL string
	// HTTPClient makes the requests; nil means a client of its own with
	// DefaultHTTPTimeout. Its timeout, if any, applies on top of the
	// caller's context. New uses a copy that follows no redirects.
	HTTPClient *http.Client
	// PollInterval is how often operations poll the server's state
	// (default DefaultPollInterval).
	PollInterval time.Duration
	// Clock stamps progress reports (default time.Now).
	Clock func() time.Time
	// Logger receives one debug line per API call: function, HTTP status,
	// envelope code and duration, never headers or bodies (default:
	// discard).
	Logger *slog.Logger
}

// NewDefaultConfig returns a Config with the defaults filled in; set
// Project and APIKey before calling New.
func NewDefaultConfig() Config {
	return Config{
		BaseURL:      DefaultBaseURL,
		PollInterval: DefaultPollInterval,
		Clock:        time.Now,
	}
}

// validate checks c and fills in defaults. Errors name the field, never
// the secret's value.
func (c *Config) validate() error {
	var errs []error
	switch {
	case c.Project == "":
		errs = append(errs, errors.New("Project is empty (the project key, e.g. cl12345)"))
	case strings.ContainsAny(c.Project, ":") || hasControl(c.Project):
		errs = append(errs, errors.New("Project contains ':' or a control character"))
	}
	switch {
	case c.APIKey == "":
		errs = append(errs, errors.New("APIKey is empty"))
	case hasControl(c.APIKey):
		errs = append(errs, errors.New("APIKey contains a control character"))
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if err := wire.CheckBaseURL("BaseURL", c.BaseURL); err != nil {
		errs = append(errs, err)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.PollInterval < 0 {
		errs = append(errs, fmt.Errorf("PollInterval %s is negative", c.PollInterval))
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.HTTPClient == nil {
		// Operations poll inside Wait, outside the wrapper's per-call
		// timeout, so each request needs a bound of its own.
		c.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	// Go keeps Authorization on a same-host redirect, even https→http,
	// so no redirect is followed, whoever built the client.
	c.HTTPClient = wire.NoRedirects(c.HTTPClient)
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if len(errs) > 0 {
		return fmt.Errorf("glesys config: %w", errors.Join(errs...))
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
