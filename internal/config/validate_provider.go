package config

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// maxProviderTimeout bounds one API call: longer waits belong in operation
// polling, not in a single request.
const maxProviderTimeout = 10 * time.Minute

// providerKeys lists, per type, the type-specific keys it accepts (name,
// type and timeout apply to all). Anything else set is a mistake worth
// reporting: with one Provider struct for all types, a key meant for another
// type would otherwise be silently ignored.
var providerKeys = map[string][]string{
	TypeDemo:       {"speed"},
	TypeEDIS:       {"email", "password", "kvm_ids", "session_url", "order_url", "api_scheme", "poll_interval", "cancel_mode"},
	TypeGleSYS:     {"project", "api_key", "base_url", "poll_interval"},
	TypeCyberPanel: {"api_key", "base_url", "poll_interval"},
	TypeVPSBG:      {"token", "base_url", "poll_interval", "cancel_mode", "read_token"},
	TypeSuble:      {"project", "token", "email", "password", "base_url", "poll_interval", "products", "ssh_keys"},
}

// setKeys reports which type-specific keys of p are set.
func (p *Provider) setKeys() map[string]bool {
	return map[string]bool{
		"email":         p.Email != "",
		"password":      p.Password.IsSet(),
		"kvm_ids":       len(p.KVMIDs) > 0,
		"session_url":   p.SessionURL != "",
		"order_url":     p.OrderURL != "",
		"api_scheme":    p.APIScheme != "",
		"project":       p.Project != "",
		"api_key":       p.APIKey.IsSet(),
		"token":         p.Token.IsSet(),
		"base_url":      p.BaseURL != "",
		"speed":         p.Speed != 0,
		"poll_interval": p.PollInterval != 0,
		"cancel_mode":   p.CancelMode != "",
		"read_token":    p.ReadToken.IsSet(),
		"products":      len(p.Products) > 0,
		"ssh_keys":      len(p.SSHKeys) > 0,
	}
}

// validateProviders checks every provider and returns the set of valid,
// unique names (for alias checks).
func (c *Config) validateProviders(v *validator) map[string]bool {
	if len(c.Providers) == 0 {
		v.add("providers", "at least one provider is required")
	}
	names := map[string]bool{}
	first := map[string]int{}
	for i := range c.Providers {
		p := &c.Providers[i]
		key := fmt.Sprintf("providers[%d]", i)
		switch {
		case p.Name == "":
			v.add(key+".name", "required")
		case !providerNameRE.MatchString(p.Name):
			v.add(key+".name", "must be 1-32 lowercase letters, digits or '-', starting with a letter or digit")
		default:
			if j, dup := first[p.Name]; dup {
				v.add(key+".name", "duplicate of providers[%d].name", j)
			} else {
				first[p.Name] = i
				names[p.Name] = true
			}
		}
		p.validate(v, key)
	}
	return names
}

func (p *Provider) validate(v *validator, key string) {
	allowed, known := providerKeys[p.Type]
	if !known {
		types := make([]string, 0, len(providerKeys))
		for t := range providerKeys {
			types = append(types, t)
		}
		slices.Sort(types)
		if p.Type == "" {
			v.add(key+".type", "required: one of %s", strings.Join(types, ", "))
		} else {
			v.add(key+".type", "unknown provider type: use one of %s", strings.Join(types, ", "))
		}
		return
	}
	set := p.setKeys()
	for _, k := range sortedKeys(set) {
		if set[k] && !slices.Contains(allowed, k) {
			v.add(key+"."+k, "not used by type %s", p.Type)
		}
	}
	require := func(keys ...string) {
		for _, k := range keys {
			if !set[k] {
				v.add(key+"."+k, "required for type %s", p.Type)
			}
		}
	}
	switch p.Type {
	case TypeEDIS:
		require("email", "password")
	case TypeGleSYS:
		require("project", "api_key")
	case TypeCyberPanel:
		require("api_key")
	case TypeVPSBG:
		require("token")
	case TypeSuble:
		// Every Suble call names the project; the credentials are a token,
		// or an email and password for a JWT login.
		require("project")
		switch {
		case set["token"] && (set["email"] || set["password"]):
			v.add(key+".token", "set token, or email and password, not both")
		case set["email"] || set["password"]:
			require("email", "password")
		default:
			require("token")
		}
	}
	if p.Email != "" && !strings.Contains(p.Email, "@") {
		v.add(key+".email", "must be an email address")
	}
	if p.APIScheme != "" && p.APIScheme != "http" && p.APIScheme != "https" {
		v.add(key+".api_scheme", "must be http or https")
	}
	v.providerURL(key+".session_url", p.SessionURL)
	v.providerURL(key+".order_url", p.OrderURL)
	v.providerURL(key+".base_url", p.BaseURL)
	seen := map[string]int{}
	for j, id := range p.KVMIDs {
		k := fmt.Sprintf("%s.kvm_ids[%d]", key, j)
		if id == "" || strings.ContainsAny(id, " \t\r\n/") {
			v.add(k, "must be a non-empty VPS id without spaces or '/'")
		} else if prev, dup := seen[id]; dup {
			v.add(k, "duplicate of %s.kvm_ids[%d]", key, prev)
		} else {
			seen[id] = j
		}
	}
	if p.Timeout < 0 || p.Timeout.Duration() > maxProviderTimeout {
		v.add(key+".timeout", "must be between 0 (driver default) and 10m")
	}
	if p.CancelMode != "" && p.CancelMode != "immediate" && p.CancelMode != "end_of_period" {
		v.add(key+".cancel_mode", "must be immediate or end_of_period")
	}
	for name, ids := range map[string][]string{"products": p.Products, "ssh_keys": p.SSHKeys} {
		for j, id := range ids {
			if id == "" || strings.ContainsAny(id, " \t\r\n/") {
				v.add(fmt.Sprintf("%s.%s[%d]", key, name, j), "must be a non-empty id without spaces or '/'")
			}
		}
	}
	if p.PollInterval < 0 || p.PollInterval.Duration() > 5*time.Minute {
		v.add(key+".poll_interval", "must be between 0 (driver default) and 5m")
	}
	if p.Speed < 0 || math.IsNaN(p.Speed) || math.IsInf(p.Speed, 0) {
		v.add(key+".speed", "must be a positive number (0 means demo.speed)")
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
