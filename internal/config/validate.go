package config

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validate checks the whole configuration and returns a *Error listing every
// problem, or nil. Parse and Load call it; call it again after changing a
// Config in code. Messages name the key and the rule, never the value.
func (c *Config) Validate() error { return c.validate().err() }

// validator collects problems, attaching the line each key was set on.
type validator struct {
	lines map[string]int
	problems
}

func (v *validator) add(key, format string, args ...any) {
	v.problems.add(key, v.lines[key], format, args...)
}

const maxTTL = 24 * time.Hour

var (
	providerNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	// identRE is the shape of alias names and of the stdio MCP principal's.
	identRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	// mcpTokenNameRE: see ValidMCPTokenName.
	mcpTokenNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	snowflakeRE    = regexp.MustCompile(`^[0-9]{1,20}$`)
)

func (c *Config) validate() problems {
	v := &validator{lines: c.lines}
	if strings.TrimSpace(c.Database) == "" {
		v.add("database", "must name the SQLite file or a postgres:// URL")
	}
	c.validateAudit(v)
	v.ttl("approvals.ttl", c.Approvals.TTL)
	v.ttl("approvals.confirm_ttl", c.Approvals.ConfirmTTL)
	if c.HTTP.Listen != "" && !validListen(c.HTTP.Listen) {
		v.add("http.listen", "must be host:port, e.g. 127.0.0.1:8080")
	}
	names := c.validateProviders(v)
	c.validateAliases(v, names)
	c.validateSlack(v)
	c.validateDiscord(v)
	c.validateMCP(v)
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		v.add("log.format", "must be text or json")
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		v.add("log.level", "must be debug, info, warn or error")
	}
	if !(c.Demo.Speed > 0) || math.IsInf(c.Demo.Speed, 0) {
		v.add("demo.speed", "must be a positive number")
	}
	return v.problems
}

func (c *Config) validateAudit(v *validator) {
	// A short key makes the HMAC chain brute-forceable, which defeats its
	// purpose (detecting a rewritten log).
	if k := c.Audit.HMACKey; k.IsSet() && len(k.Reveal()) < 16 {
		v.add("audit.hmac_key", "too short: use at least 16 bytes (e.g. openssl rand -hex 32)")
	}
	if c.Audit.Synchronous != "NORMAL" && c.Audit.Synchronous != "FULL" {
		v.add("audit.synchronous", "must be NORMAL or FULL")
	}
}

func (v *validator) ttl(key string, d Duration) {
	if d <= 0 || d.Duration() > maxTTL {
		v.add(key, "must be more than 0 and at most 24h")
	}
}

func validListen(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && (n > 0 || port == "0")
}

// url reports a problem with an optional http(s) URL.
func (v *validator) url(key, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		v.add(key, "must be an http:// or https:// URL")
	case u.User != nil:
		// Credentials in a URL end up in logs and error messages.
		v.add(key, "must not contain credentials; use the provider's secret keys")
	}
}

func (c *Config) validateAliases(v *validator, providers map[string]bool) {
	aliases := make([]string, 0, len(c.Aliases))
	for a := range c.Aliases {
		aliases = append(aliases, a)
	}
	slices.Sort(aliases)
	for _, a := range aliases {
		key := joinKey("aliases", a)
		if !identRE.MatchString(a) {
			v.add(key, "alias names use letters, digits, '.', '_' and '-' (at most 64)")
		}
		prov, id, ok := strings.Cut(c.Aliases[a], "/")
		switch {
		case !ok || id == "" || strings.ContainsAny(id, " \t\r\n"):
			v.add(key, "must be a server reference provider/id")
		case !providers[prov]:
			v.add(key, "refers to a provider that is not configured")
		}
	}
}

func (c *Config) validateSlack(v *validator) {
	s := c.Slack
	if !s.Enabled() {
		return
	}
	switch {
	case !s.BotToken.IsSet():
		v.add("slack.bot_token", "required when slack is configured")
	case !strings.HasPrefix(s.BotToken.Reveal(), "xoxb-"):
		v.add("slack.bot_token", "must be a bot token (xoxb-...)")
	}
	switch {
	case !s.AppToken.IsSet() && !s.SigningSecret.IsSet():
		v.add("slack", "needs app_token (Socket Mode) or signing_secret (HTTP mode)")
	case s.AppToken.IsSet() && !strings.HasPrefix(s.AppToken.Reveal(), "xapp-"):
		v.add("slack.app_token", "must be an app-level token (xapp-...)")
	case !s.AppToken.IsSet() && c.HTTP.Listen == "":
		v.add("http.listen", "required for Slack HTTP mode (signing_secret without app_token)")
	}
	v.url("slack.api_url", s.APIURL)
}

func (c *Config) validateDiscord(v *validator) {
	d := c.Discord
	if !d.Enabled() {
		return
	}
	if !d.Token.IsSet() {
		v.add("discord.token", "required when discord is configured")
	}
	if d.AppID == "" {
		v.add("discord.app_id", "required when discord is configured")
	}
	for _, id := range []struct{ key, value string }{
		{"discord.app_id", d.AppID}, {"discord.guild_id", d.GuildID}, {"discord.approvals_channel", d.ApprovalsChannel},
	} {
		if id.value != "" && !snowflakeRE.MatchString(id.value) {
			v.add(id.key, "must be a Discord id (digits only)")
		}
	}
	if d.PublicKey != "" {
		if !isHex(d.PublicKey, 64) {
			v.add("discord.public_key", "must be the application's Ed25519 public key: 64 hex digits")
		}
		if c.HTTP.Listen == "" {
			v.add("http.listen", "required for Discord HTTP interactions mode (public_key is set)")
		}
	}
	v.url("discord.api_url", d.APIURL)
}

func (c *Config) validateMCP(v *validator) {
	m := c.MCP
	name, ok := strings.CutPrefix(m.Principal, "mcp:")
	if !ok || !identRE.MatchString(name) {
		v.add("mcp.principal", "must be mcp:<name> (name: letters, digits, '.', '_', '-')")
	}
	if m.HTTP != "" && !validListen(m.HTTP) {
		v.add("mcp.http", "must be host:port, e.g. 127.0.0.1:8080")
	}
	// The key seals confirm states; a short one could be brute-forced,
	// letting a client forge a confirmation.
	if m.StateKey.IsSet() && len(m.StateKey.Reveal()) < 16 {
		v.add("mcp.state_key", "too short: use at least 16 bytes (e.g. openssl rand -hex 32)")
	}
	names := map[string]int{}
	hashes := map[string]int{}
	for i, t := range m.Tokens {
		key := fmt.Sprintf("mcp.tokens[%d]", i)
		if !ValidMCPTokenName(t.Name) {
			v.add(key+".name", "must be lowercase letters, digits, '_' or '-', starting with a letter or digit (at most 63)")
		} else if j, dup := names[t.Name]; dup {
			v.add(key+".name", "duplicate of mcp.tokens[%d].name", j)
		} else {
			names[t.Name] = i
		}
		// Parse lowercases the hash (normalize); a Config built in code
		// must hold it as HashToken writes it.
		if !isLowerHex(t.SHA256, 64) {
			v.add(key+".sha256", "must be the SHA-256 of the token: 64 lowercase hex digits (mcp token new prints it)")
		} else if j, dup := hashes[t.SHA256]; dup {
			v.add(key+".sha256", "same token as mcp.tokens[%d]: each token must be unique", j)
		} else {
			hashes[t.SHA256] = i
		}
	}
}

// ValidMCPTokenName reports whether name may name an MCP token. The name
// becomes the principal mcp:<name> in policy lines and audit records, so it
// is lowercase (two names never differ only in case) and has no characters
// that policy globs or chat text treat specially.
func ValidMCPTokenName(name string) bool { return mcpTokenNameRE.MatchString(name) }

func isLowerHex(s string, n int) bool {
	return isHex(s, n) && strings.ToLower(s) == s
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}
