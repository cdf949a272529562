package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/config/schema"
	"github.com/vpsops/vpsops/internal/providers/kinds"
)

// maxProviderTimeout bounds one API call: longer waits belong in operation
// polling, not in a single request.
const maxProviderTimeout = 10 * time.Minute

// demoPrefix starts the names the default policy (policy.csv) opens to
// every shell user.
const demoPrefix = "demo-"

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
		case strings.HasPrefix(p.Name, demoPrefix) && realType(p.Type):
			// The default policy grants every shell user everything on
			// demo-*/*: the grant must never reach a real provider. (A
			// missing or unknown type is reported on its own.)
			v.add(key+".name", "only a provider of type demo may be named %s*: the default policy lets every shell user do anything on %s*/*", demoPrefix, demoPrefix)
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

// realType reports whether typ is a known type other than demo.
func realType(typ string) bool {
	_, ok := kinds.Lookup(typ)
	return ok && typ != TypeDemo
}

func (p *Provider) validate(v *validator, key string) {
	kind, known := kinds.Lookup(p.Type)
	if !known {
		types := strings.Join(kinds.Types(), ", ")
		if p.Type == "" {
			v.add(key+".type", "required: one of %s", types)
		} else {
			v.add(key+".type", "unknown provider type: use one of %s", types)
		}
		return
	}
	if p.Timeout < 0 || p.Timeout.Duration() > maxProviderTimeout {
		v.add(key+".timeout", "must be between 0 (driver default) and 10m")
	}
	s := p.Section()
	if reflect.TypeOf(s) != reflect.TypeOf(kind.New()) {
		v.add(key, "internal error: settings of %T for type %s", s, p.Type)
		return
	}
	problems := schema.NewProblems(p.Type, key+".", func(k, msg string) { v.add(key+"."+k, "%s", msg) })
	requireTagged(problems, reflect.ValueOf(s).Elem())
	s.Check(problems)
}

// requireTagged reports every field of settings tagged required:"true"
// that is not set.
func requireTagged(p *schema.Problems, settings reflect.Value) {
	t := settings.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("required") != "true" || !settings.Field(i).IsZero() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		p.Require(name)
	}
}
