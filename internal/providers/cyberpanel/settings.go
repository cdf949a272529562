package cyberpanel

import (
	"log/slog"

	"github.com/vpsops/vpsops/internal/config/schema"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Settings is a providers: entry of type cyberpanel (besides name, type
// and timeout). Unset keys keep NewDefaultConfig's values.
type Settings struct {
	APIKey       schema.Secret   `yaml:"api_key" json:"api_key,omitempty" required:"true"`
	BaseURL      string          `yaml:"base_url" json:"base_url,omitempty"`
	PollInterval schema.Duration `yaml:"poll_interval" json:"poll_interval,omitempty"`
}

// Check implements schema.Settings.
func (s *Settings) Check(p *schema.Problems) {
	p.URL("base_url", s.BaseURL)
	p.PollInterval(s.PollInterval)
}

// Open builds the driver s describes; New validates the result.
func (s *Settings) Open(logger *slog.Logger) (driver.Driver, error) {
	c := NewDefaultConfig()
	c.APIKey, c.Logger = s.APIKey.Reveal(), logger
	schema.Override(&c.BaseURL, s.BaseURL)
	schema.Override(&c.PollInterval, s.PollInterval.Duration())
	return New(c)
}
