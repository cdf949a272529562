package suble

import (
	"log/slog"

	"github.com/vpsops/vpsops/internal/config/schema"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Settings is a providers: entry of type suble (besides name, type and
// timeout). Unset keys keep NewDefaultConfig's values. Every call names
// the project; the credentials are a token, or an email and password for
// a JWT login.
type Settings struct {
	Project  string        `yaml:"project" json:"project,omitempty" required:"true"`
	Token    schema.Secret `yaml:"token" json:"token,omitempty"`
	Email    string        `yaml:"email" json:"email,omitempty"`
	Password schema.Secret `yaml:"password" json:"password,omitempty"`
	BaseURL  string        `yaml:"base_url" json:"base_url,omitempty"`
	// Products restricts the instance to these product ids.
	Products []string `yaml:"products" json:"products,omitempty"`
	// SSHKeys are the SSH key ids a rebuild installs.
	SSHKeys      []string        `yaml:"ssh_keys" json:"ssh_keys,omitempty"`
	PollInterval schema.Duration `yaml:"poll_interval" json:"poll_interval,omitempty"`
}

// Check implements schema.Settings.
func (s *Settings) Check(p *schema.Problems) {
	login := s.Email != "" || s.Password.IsSet()
	switch {
	case s.Token.IsSet() && login:
		p.Add("token", "set token, or email and password, not both")
	case login:
		if s.Email == "" {
			p.Require("email")
		}
		if !s.Password.IsSet() {
			p.Require("password")
		}
	case !s.Token.IsSet():
		p.Require("token")
	}
	p.Email("email", s.Email)
	p.URL("base_url", s.BaseURL)
	p.IDs("products", s.Products, "id", false)
	p.IDs("ssh_keys", s.SSHKeys, "id", false)
	p.PollInterval(s.PollInterval)
}

// Open builds the driver s describes; New validates the result.
func (s *Settings) Open(logger *slog.Logger) (driver.Driver, error) {
	c := NewDefaultConfig()
	c.Project, c.Token, c.Logger = s.Project, s.Token.Reveal(), logger
	c.Email, c.Password = s.Email, s.Password.Reveal()
	c.Products, c.RebuildSSHKeys = s.Products, s.SSHKeys
	schema.Override(&c.BaseURL, s.BaseURL)
	schema.Override(&c.PollInterval, s.PollInterval.Duration())
	return New(c)
}
