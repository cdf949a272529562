package edis

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// Defaults for Config.
const (
	DefaultSessionURL   = "https://session.edisglobal.com"
	DefaultOrderURL     = "https://order.edisglobal.com"
	DefaultAPIScheme    = "https"
	DefaultTimeout      = 30 * time.Second
	DefaultPollInterval = 5 * time.Second
)

// CancelType is the Order API's cancellation type, sent verbatim as `type`.
type CancelType string

const (
	// CancelImmediate ends the VPS now: it and its data are removed.
	CancelImmediate CancelType = "Immediate"
	// CancelEndOfPeriod cancels at the end of the billing period; the VPS
	// keeps running until then.
	CancelEndOfPeriod CancelType = "End of Billing Period"
)

// Config configures one EDIS Global account (one provider instance).
// Password is a secret: it is sent only to SessionURL and OrderURL and never
// logged or put into an error.
type Config struct {
	// Email and Password are the client-area (WHMCS) login; API access
	// must be enabled once in the KVM portal.
	Email    string
	Password string
	// KVMIDs restricts the instance to these VPSes; empty means every VPS
	// of the account. VPSes outside the list are invisible: not listed,
	// and every call on them answers not_found.
	KVMIDs []string
	// SessionURL is the session host (default DefaultSessionURL).
	SessionURL string
	// OrderURL is the Order API host used to cancel (default DefaultOrderURL).
	OrderURL string
	// APIScheme is the scheme for the per-VPS api_host and api_rdns hosts,
	// which come from the login response: "https" (default) or "http",
	// which exists so an emulator on 127.0.0.1 can stand in for them and
	// is therefore accepted only with a loopback SessionURL.
	APIScheme string
	// CancelType is what Destroy asks the Order API for (default
	// CancelImmediate, so that "delete" deletes as on other providers).
	CancelType CancelType

	// HTTPClient makes the requests (default: a keep-alive client with
	// Timeout). New uses a copy that never follows redirects.
	HTTPClient *http.Client
	// Timeout bounds one HTTP request of the default client (default
	// DefaultTimeout); ignored when HTTPClient is set.
	Timeout time.Duration
	// PollInterval is how often operations look at the VPS (default
	// DefaultPollInterval).
	PollInterval time.Duration
	// Clock decides when a session is about to expire (default time.Now).
	Clock func() time.Time
	// Logger receives debug lines about logins and best-effort failures;
	// never secrets (default: discard).
	Logger *slog.Logger
}

// NewDefaultConfig returns a Config with every default filled in; the
// caller adds Email and Password.
func NewDefaultConfig() Config {
	return Config{
		SessionURL:   DefaultSessionURL,
		OrderURL:     DefaultOrderURL,
		APIScheme:    DefaultAPIScheme,
		CancelType:   CancelImmediate,
		Timeout:      DefaultTimeout,
		PollInterval: DefaultPollInterval,
	}
}

// withDefaults fills the zero fields of c.
func (c Config) withDefaults() Config {
	d := NewDefaultConfig()
	if c.SessionURL == "" {
		c.SessionURL = d.SessionURL
	}
	if c.OrderURL == "" {
		c.OrderURL = d.OrderURL
	}
	if c.APIScheme == "" {
		c.APIScheme = d.APIScheme
	}
	if c.CancelType == "" {
		c.CancelType = d.CancelType
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.PollInterval == 0 {
		c.PollInterval = d.PollInterval
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validate checks c after defaults; errors name the field, never a value
// that could be secret.
func (c Config) validate() error {
	switch {
	case strings.TrimSpace(c.Email) == "":
		return configErr("email is empty")
	case strings.ContainsAny(c.Email, " \t\r\n"):
		return configErr("email contains white space")
	case c.Password == "":
		return configErr("password is empty")
	case c.APIScheme != "https" && c.APIScheme != "http":
		return configErr("api_scheme must be https or http")
	case c.CancelType != CancelImmediate && c.CancelType != CancelEndOfPeriod:
		return configErr("cancel_type must be %q or %q", CancelImmediate, CancelEndOfPeriod)
	case c.Timeout < 0:
		return configErr("timeout is negative")
	case c.PollInterval < 0:
		return configErr("poll_interval is negative")
	}
	for _, u := range []struct{ field, raw string }{{"session_url", c.SessionURL}, {"order_url", c.OrderURL}} {
		if err := wire.CheckBaseURL(u.field, u.raw); err != nil {
			return configErr("%s", err.Error())
		}
	}
	// The api_host and api_rdns hosts come from the session host's answer;
	// only an emulator on this machine may have them spoken to in clear.
	if c.APIScheme == "http" && !wire.IsLoopback(hostname(c.SessionURL)) {
		return configErr("api_scheme http is allowed only with a loopback session_url (an emulator)")
	}
	for _, id := range c.KVMIDs {
		if !validID(id) {
			return configErr("kvm_ids: %q is not a KVM id", id)
		}
	}
	return nil
}

func configErr(format string, args ...any) error {
	e := fault.Errorf(fault.Invalid, format, args...)
	e.Message = "edis config: " + e.Message
	return e
}

// hostname is the host of an already validated URL, lower case.
func hostname(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// validID reports whether id can be a KVM id: what the portable layer
// accepts (A-Z a-z 0-9 . _ : -), at most 128 characters.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '.' || r == '_' || r == ':' || r == '-') {
			return false
		}
	}
	return true
}
