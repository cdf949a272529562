package vpsbg

import (
	"log/slog"

	"github.com/vpsops/vpsops/internal/config/schema"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Settings is a providers: entry of type vpsbg (besides name, type and
// timeout). Unset keys keep NewDefaultConfig's values.
type Settings struct {
	Token schema.Secret `yaml:"token" json:"token,omitempty" required:"true"`
	// ReadToken is a Read-only token used for every GET.
	ReadToken    schema.Secret   `yaml:"read_token" json:"read_token,omitempty"`
	BaseURL      string          `yaml:"base_url" json:"base_url,omitempty"`
	PollInterval schema.Duration `yaml:"poll_interval" json:"poll_interval,omitempty"`
	// CancelMode is what delete does: end_of_period (default) or
	// immediate.
	CancelMode string `yaml:"cancel_mode" json:"cancel_mode,omitempty"`
}

// Check implements schema.Settings.
func (s *Settings) Check(p *schema.Problems) {
	p.URL("base_url", s.BaseURL)
	p.PollInterval(s.PollInterval)
	p.CancelMode(s.CancelMode)
}

// Open builds the driver s describes; New validates the result.
func (s *Settings) Open(logger *slog.Logger) (driver.Driver, error) {
	c := NewDefaultConfig()
	c.Token, c.ReadToken, c.Logger = s.Token.Reveal(), s.ReadToken.Reveal(), logger
	c.CancelNow = s.CancelMode == "immediate"
	schema.Override(&c.BaseURL, s.BaseURL)
	schema.Override(&c.PollInterval, s.PollInterval.Duration())
	return New(c)
}
