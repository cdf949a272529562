package suble

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/providers/wire"
)

// Config describes one Suble.io project. Credentials are either Token or
// Email and Password, never both.
type Config struct {
	// Project is the Suble project id; every server lives in it.
	Project string
	// Token is a bearer token: a project key or a user JWT. A secret.
	Token string
	// Email and Password log in for a user JWT (POST /auth/login), which
	// the driver refreshes when the API answers 401. Password is a secret.
	Email    string
	Password string
	// Products restricts the driver to these product ids (VPS uids);
	// empty means every VPS of the project.
	Products []string
	// RebuildSSHKeys are the Suble SSH key uids installed by a rebuild
	// (the API takes keys, not a password).
	RebuildSSHKeys []string
	// BaseURL is the API root (default DefaultBaseURL): https, or plain
	// http only to a loopback host.
	BaseURL string
	// HTTPClient sends the requests (default: a client with a 30 s
	// timeout, which also bounds each poll inside an operation; the
	// portable wrapper bounds each call tighter). New works on a copy
	// that never follows redirects.
	HTTPClient *http.Client
	// PollInterval is how often operations look at the server (default 2 s).
	PollInterval time.Duration
	// MetadataTTL is how long GetServer reuses a product listing for the
	// name and addresses, so a status check is one request; live state
	// always comes from the status endpoint. Default 30 s; negative means
	// list on every GetServer.
	MetadataTTL time.Duration
	// Clock is the time source (default time.Now).
	Clock func() time.Time
	// Logger receives one debug line per request (default: discard). No
	// header, body or secret is logged.
	Logger *slog.Logger
}

// Defaults applied by NewDefaultConfig and New.
const (
	DefaultPollInterval = 2 * time.Second
	DefaultMetadataTTL  = 30 * time.Second
	defaultHTTPTimeout  = 30 * time.Second
)

// NewDefaultConfig returns a Config with every default filled in; the
// caller adds Project and the credentials.
func NewDefaultConfig() Config {
	return Config{
		BaseURL:      DefaultBaseURL,
		HTTPClient:   &http.Client{Timeout: defaultHTTPTimeout},
		PollInterval: DefaultPollInterval,
		MetadataTTL:  DefaultMetadataTTL,
		Clock:        time.Now,
		Logger:       slog.New(slog.DiscardHandler),
	}
}

// withDefaults fills the zero fields of c.
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
	if c.MetadataTTL == 0 {
		c.MetadataTTL = d.MetadataTTL
	}
	if c.Clock == nil {
		c.Clock = d.Clock
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	return c
}

// validate checks c after defaults. Errors name the field, never a value
// of a secret one.
func (c Config) validate() error {
	var errs []error
	if err := checkPathID(c.Project); err != nil {
		errs = append(errs, fmt.Errorf("Project: %w", err))
	}
	switch {
	case c.Token != "" && (c.Email != "" || c.Password != ""):
		errs = append(errs, errors.New("Token: set either Token or Email and Password, not both"))
	case c.Token == "" && c.Email == "" && c.Password == "":
		errs = append(errs, errors.New("Token: set Token, or Email and Password"))
	case c.Token == "" && c.Email == "":
		errs = append(errs, errors.New("Email: required with Password"))
	case c.Token == "" && c.Password == "":
		errs = append(errs, errors.New("Password: required with Email"))
	}
	if strings.ContainsAny(c.Token, " \t\r\n") {
		errs = append(errs, errors.New("Token: contains whitespace"))
	}
	for i, p := range c.Products {
		if err := checkPathID(p); err != nil {
			errs = append(errs, fmt.Errorf("Products[%d]: %w", i, err))
		}
	}
	for i, k := range c.RebuildSSHKeys {
		if k == "" {
			errs = append(errs, fmt.Errorf("RebuildSSHKeys[%d]: empty", i))
		}
	}
	if err := wire.CheckBaseURL("BaseURL", c.BaseURL); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkPathID checks an id that goes into a URL path segment, so it can
// neither leave its segment ("/", "%2f") nor walk the path ("." and "..").
// The error says what is wrong without quoting the id.
func checkPathID(s string) error {
	switch {
	case s == "":
		return errors.New("empty")
	case len(s) > 128:
		return errors.New("longer than 128 characters")
	case s == "." || s == "..":
		return errors.New("a dot segment (. or ..)")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return errors.New("has a character outside A-Z a-z 0-9 . _ -")
		}
	}
	return nil
}
