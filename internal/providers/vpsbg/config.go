package vpsbg

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// DefaultBaseURL is the API's production address.
const DefaultBaseURL = "https://api.vpsbg.eu/v1"

// DefaultPollInterval is how often an Operation looks at the server.
const DefaultPollInterval = 5 * time.Second

// Config configures a Driver.
type Config struct {
	// Token is a VPSBG API token (client area → API tokens). A Write
	// token is needed for actions; a Read token alone serves list/status.
	// Secret: never logged or put into errors.
	Token string
	// ReadToken, when set, is used for GET requests instead of Token, so
	// status polling runs with a Read token (least privilege). Secret.
	ReadToken string
	// BaseURL overrides DefaultBaseURL (tests, proxies): https, or plain
	// http only to a loopback host.
	BaseURL string
	// CancelNow is the "now" flag of Destroy's billing cancellation. The
	// default, false, follows the wire reference's advice for a bot: the
	// server keeps running until the end of its paid period (expiry_at)
	// and the request can still be undone in the control panel. true
	// suspends the server at once; VPSBG terminates it later.
	CancelNow bool
	// CancelReason is sent as the cancellation's reason (default
	// "Cancelled via vpsops").
	CancelReason string
	// HTTPClient makes the requests; nil means a dedicated client with a
	// 30 s timeout. New uses a copy that does not follow redirects.
	HTTPClient *http.Client
	// PollInterval is how often an Operation polls (default
	// DefaultPollInterval).
	PollInterval time.Duration
	// Clock is the time source for usage windows and progress (default
	// time.Now).
	Clock func() time.Time
	// Logger receives a debug line per request (method, path, status,
	// duration; never headers or bodies). Nil discards.
	Logger *slog.Logger
}

// NewDefaultConfig returns a Config with every default filled in except
// the token.
func NewDefaultConfig() Config {
	return Config{
		BaseURL:      DefaultBaseURL,
		CancelReason: "Cancelled via vpsops",
		PollInterval: DefaultPollInterval,
		Clock:        time.Now,
	}
}

// New validates cfg, fills in defaults and returns a Driver. Errors name
// the field at fault, never a secret's value.
func New(cfg Config) (*Driver, error) {
	def := NewDefaultConfig()
	if cfg.BaseURL == "" {
		cfg.BaseURL = def.BaseURL
	}
	if cfg.CancelReason == "" {
		cfg.CancelReason = def.CancelReason
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = def.PollInterval
	}
	if cfg.Clock == nil {
		cfg.Clock = def.Clock
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = defaultHTTPClient()
	}
	// No redirect is followed, whoever built the client: an API that
	// redirects (Laravel does, to a login page, when it does not see a
	// JSON client) has not answered the call, and Go keeps Authorization
	// on a same-host redirect, even https→http.
	cfg.HTTPClient = wire.NoRedirects(cfg.HTTPClient)
	if err := checkToken("Token", cfg.Token, true); err != nil {
		return nil, err
	}
	if err := checkToken("ReadToken", cfg.ReadToken, false); err != nil {
		return nil, err
	}
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.PollInterval < 0 {
		return nil, configErr("PollInterval is negative")
	}
	if len(cfg.CancelReason) > 255 || strings.ContainsAny(cfg.CancelReason, "\r\n") {
		return nil, configErr("CancelReason must be one line of at most 255 bytes")
	}
	read := cfg.ReadToken
	if read == "" {
		read = cfg.Token
	}
	return &Driver{
		cfg:       cfg,
		base:      base,
		writeAuth: "Bearer " + cfg.Token,
		readAuth:  "Bearer " + read,
		userAgent: "vpsops/" + buildinfo.String(),
		secrets:   []string{cfg.Token, cfg.ReadToken},
		log:       cfg.Logger.With("provider", "vpsbg"),
	}, nil
}

func configErr(msg string) error {
	return fault.Errorf(fault.Invalid, "vpsbg config: %s", msg)
}

// checkToken rejects a missing required token and one that could not be a
// header value, naming only the field.
func checkToken(field, tok string, required bool) error {
	if tok == "" {
		if required {
			return configErr(field + " is empty")
		}
		return nil
	}
	for _, r := range tok {
		if r <= ' ' || r == 0x7f {
			return configErr(field + " contains whitespace or control characters")
		}
	}
	return nil
}

// checkBaseURL applies wire.CheckBaseURL (https, or plain http only to a
// loopback host, so a token never crosses a network in clear text; the
// URL is never quoted) and returns raw without a trailing slash.
func checkBaseURL(raw string) (string, error) {
	if err := wire.CheckBaseURL("BaseURL", raw); err != nil {
		return "", configErr(err.Error())
	}
	return strings.TrimRight(raw, "/"), nil
}

// defaultHTTPTimeout bounds each request of the default client: operation
// polls run outside the wrapper's per-call timeout.
const defaultHTTPTimeout = 30 * time.Second

// defaultHTTPClient keeps connections alive. It keeps enough idle
// connections for GetServer's four concurrent requests and the list's
// status fan-out (net/http's default keeps two per host). New makes it,
// like a caller's client, refuse redirects.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 2 * (statusFanOut + 1)
	return &http.Client{Transport: t, Timeout: defaultHTTPTimeout}
}
