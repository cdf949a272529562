package edis

import (
	"log/slog"

	"github.com/vpsops/vpsops/internal/config/schema"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Settings is a providers: entry of type edis (besides name, type and
// timeout). Unset keys keep NewDefaultConfig's values.
type Settings struct {
	Email    string        `yaml:"email" json:"email,omitempty" required:"true"`
	Password schema.Secret `yaml:"password" json:"password,omitempty" required:"true"`
	// KVMIDs restricts the instance to these VPSes; empty means all.
	KVMIDs     []string `yaml:"kvm_ids" json:"kvm_ids,omitempty"`
	SessionURL string   `yaml:"session_url" json:"session_url,omitempty"`
	OrderURL   string   `yaml:"order_url" json:"order_url,omitempty"`
	// APIScheme is the scheme of the per-VPS api_host (http|https).
	APIScheme    string          `yaml:"api_scheme" json:"api_scheme,omitempty"`
	PollInterval schema.Duration `yaml:"poll_interval" json:"poll_interval,omitempty"`
	// CancelMode is what delete asks the Order API for: immediate
	// (default) or end_of_period.
	CancelMode string `yaml:"cancel_mode" json:"cancel_mode,omitempty"`
}

// Check implements schema.Settings.
func (s *Settings) Check(p *schema.Problems) {
	p.Email("email", s.Email)
	if s.APIScheme != "" && s.APIScheme != "http" && s.APIScheme != "https" {
		p.Add("api_scheme", "must be http or https")
	}
	p.URL("session_url", s.SessionURL)
	p.URL("order_url", s.OrderURL)
	p.IDs("kvm_ids", s.KVMIDs, "VPS id", true)
	p.PollInterval(s.PollInterval)
	p.CancelMode(s.CancelMode)
}

// Open builds the driver s describes; New validates the result.
func (s *Settings) Open(logger *slog.Logger) (driver.Driver, error) {
	c := NewDefaultConfig()
	c.Email, c.Password, c.KVMIDs, c.Logger = s.Email, s.Password.Reveal(), s.KVMIDs, logger
	schema.Override(&c.SessionURL, s.SessionURL)
	schema.Override(&c.OrderURL, s.OrderURL)
	schema.Override(&c.APIScheme, s.APIScheme)
	schema.Override(&c.PollInterval, s.PollInterval.Duration())
	if s.CancelMode == "end_of_period" {
		c.CancelType = CancelEndOfPeriod
	}
	return New(c)
}
