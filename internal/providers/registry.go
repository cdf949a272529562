package providers

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// nameIndexTTL is how long Resolve trusts one listing of every provider to
// map hostnames to servers: long enough that a burst of commands makes one
// round of API calls, short enough that a renamed server is found soon.
const nameIndexTTL = 30 * time.Second

// Registry holds the configured provider instances by name. It is safe for
// concurrent use.
type Registry struct {
	byName map[string]*Provider
	sorted []*Provider
	now    func() time.Time // injectable for tests of the name cache

	mu      sync.Mutex
	aliases map[string]string // lower-cased alias → "provider/id"
	index   *nameIndex
}

// NewRegistry builds a registry of ps. Names must be unique and usable in
// a reference (letters, digits, '.', '_', '-').
func NewRegistry(ps ...*Provider) (*Registry, error) {
	r := &Registry{byName: make(map[string]*Provider, len(ps)), now: time.Now}
	for _, p := range ps {
		if p == nil {
			return nil, fmt.Errorf("new provider registry: nil provider")
		}
		if err := validName(p.Name()); err != nil {
			return nil, fmt.Errorf("new provider registry: %w", err)
		}
		if _, dup := r.byName[p.Name()]; dup {
			return nil, fmt.Errorf("new provider registry: provider name %q is configured twice", p.Name())
		}
		r.byName[p.Name()] = p
		r.sorted = append(r.sorted, p)
	}
	slices.SortFunc(r.sorted, func(a, b *Provider) int { return strings.Compare(a.Name(), b.Name()) })
	return r, nil
}

// Get returns the provider named name.
func (r *Registry) Get(name string) (*Provider, bool) {
	p, ok := r.byName[name]
	return p, ok
}

// All returns every provider, sorted by name. The slice is the caller's.
func (r *Registry) All() []*Provider { return slices.Clone(r.sorted) }

// Names returns the configured provider names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, len(r.sorted))
	for i, p := range r.sorted {
		out[i] = p.Name()
	}
	return out
}

// SetAliases replaces the alias table: alias → "provider/id". Aliases
// match case-insensitively. Targets are checked when used, so a bad one
// fails the commands that name it and nothing else.
func (r *Registry) SetAliases(m map[string]string) {
	a := make(map[string]string, len(m))
	for k, v := range m {
		a[strings.ToLower(k)] = v
	}
	r.mu.Lock()
	r.aliases = a
	r.mu.Unlock()
}

func (r *Registry) alias(name string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.aliases[strings.ToLower(name)]
	return t, ok
}

// validName checks a provider instance name: it is the part of a
// reference before the slash.
func validName(name string) error {
	if name == "" {
		return fmt.Errorf("provider name is empty")
	}
	if len(name) > 64 {
		return fmt.Errorf("provider name is longer than 64 characters")
	}
	for _, c := range name {
		if !idRune(c) || c == ':' {
			return fmt.Errorf("provider name %q has a character outside A-Z a-z 0-9 . _ -", name)
		}
	}
	return nil
}

// unknownProvider is the error for a reference naming no configured provider.
func (r *Registry) unknownProvider(name string) error {
	return fault.Errorf(fault.NotFound, "no provider named %q; configured: %s", name, strings.Join(r.Names(), ", "))
}
