package providers

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// maxRefLen bounds what Resolve accepts: the longest DNS name.
const maxRefLen = 253

// ParseRef splits a reference "provider/id" and checks both parts' syntax.
// It does not check that the provider is configured or the server exists.
func ParseRef(s string) (provider, id string, ok bool) {
	provider, id, found := strings.Cut(s, "/")
	if !found || validName(provider) != nil || ValidateID(id) != nil {
		return "", "", false
	}
	return provider, id, true
}

// Resolve maps what a user typed to a provider and a server id:
//
//   - "provider/id": the provider by name and the id as given, checked for
//     syntax but not fetched (the command that uses it will find out);
//   - an alias from SetAliases, which must hold such a reference;
//   - otherwise a server name, matched case-insensitively against every
//     provider's servers (one listing is reused for about 30 s).
//
// A name matching several servers is an Invalid error listing them; no
// match is NotFound. When some provider could not be listed, a single
// match is refused as Unavailable: the unlisted provider may have a server
// of the same name, and acting on the wrong one is worse than asking for
// the full reference.
func (r *Registry) Resolve(ctx context.Context, ref string) (*Provider, string, error) {
	return r.ResolveFor(ctx, ref, nil)
}

// ResolveFor is Resolve for a caller who may see only some servers: a name
// is matched only against servers for which visible("provider/id") is
// true (nil: all), so answers never list, or resolve to, a server the
// caller may not read. Explicit references and aliases are not filtered:
// the caller's authorization decides about those.
func (r *Registry) ResolveFor(ctx context.Context, ref string, visible func(ref string) bool) (*Provider, string, error) {
	switch {
	case ref == "":
		return nil, "", fault.Errorf(fault.Invalid, "empty server reference")
	case len(ref) > maxRefLen:
		return nil, "", fault.Errorf(fault.Invalid, "server reference is longer than %d characters", maxRefLen)
	case strings.Contains(ref, "/"):
		return r.resolveRef(ref)
	}
	if target, ok := r.alias(ref); ok {
		p, id, err := r.resolveRef(target)
		if err != nil {
			var e *fault.Error
			errors.As(err, &e)
			return nil, "", fault.Errorf(e.Class, "alias %s points at %q: %s", ref, target, e.Message)
		}
		return p, id, nil
	}
	for _, c := range ref {
		if !idRune(c) {
			return nil, "", fault.Errorf(fault.Invalid, "malformed server reference %q: use provider/id, an alias or a server name", ref)
		}
	}
	return r.resolveName(ctx, ref, visible)
}

func (r *Registry) resolveRef(ref string) (*Provider, string, error) {
	name, id, _ := strings.Cut(ref, "/")
	if validName(name) != nil {
		return nil, "", fault.Errorf(fault.Invalid, "malformed server reference %q: want provider/id", ref)
	}
	p, ok := r.byName[name]
	if !ok {
		return nil, "", r.unknownProvider(name)
	}
	if err := ValidateID(id); err != nil {
		var e *fault.Error
		errors.As(err, &e)
		return nil, "", fault.Errorf(fault.Invalid, "malformed server reference %q: %s", ref, e.Message)
	}
	return p, id, nil
}

// nameIndex maps lower-cased server names to the servers of one complete
// listing of every provider.
type nameIndex struct {
	at     time.Time
	byName map[string][]Located
}

func (r *Registry) resolveName(ctx context.Context, name string, visible func(string) bool) (*Provider, string, error) {
	key := strings.ToLower(name)
	var fails []Failure
	idx := r.cachedIndex()
	if idx == nil || len(idx.byName[key]) == 0 {
		// A miss is re-checked against a fresh listing: the server may
		// have been created since the index was built.
		idx, fails = r.refreshIndex(ctx)
	}
	var matches []Located
	var refs []string
	for _, m := range idx.byName[key] {
		if visible == nil || visible(m.Ref()) {
			matches = append(matches, m)
			refs = append(refs, m.Ref())
		}
	}
	switch {
	case len(matches) > 1:
		return nil, "", fault.Errorf(fault.Invalid, "ambiguous: %s matches %s", name, strings.Join(refs, ", "))
	case len(matches) == 1 && len(fails) == 0:
		return r.byName[matches[0].Provider], matches[0].ID, nil
	case len(matches) == 1:
		return nil, "", fault.Errorf(fault.Unavailable, "%s matches %s, but %s; the name may be ambiguous, so use the full reference",
			name, refs[0], failureText(fails))
	case len(fails) > 0:
		return nil, "", fault.Errorf(fault.NotFound, "no server named %s among the providers that answered; try `list` (%s)", name, failureText(fails))
	}
	if refs := idMatches(idx, name, visible); len(refs) > 0 {
		// A bare id typed without its provider.
		return nil, "", fault.Errorf(fault.NotFound, "no server named %s; did you mean %s?", name, strings.Join(refs, " or "))
	}
	return nil, "", fault.Errorf(fault.NotFound, "no server named %s; try `list`", name)
}

// idMatches lists the visible servers whose id (rather than name) is s.
func idMatches(idx *nameIndex, s string, visible func(string) bool) []string {
	var refs []string
	for _, ms := range idx.byName {
		for _, m := range ms {
			if strings.EqualFold(m.ID, s) && (visible == nil || visible(m.Ref())) {
				refs = append(refs, m.Ref())
			}
		}
	}
	sort.Strings(refs)
	return refs
}

func failureText(fails []Failure) string {
	parts := make([]string, len(fails))
	for i, f := range fails {
		parts[i] = "could not list " + f.Err.Error()
	}
	return strings.Join(parts, "; ")
}

func (r *Registry) cachedIndex() *nameIndex {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.index == nil || r.now().Sub(r.index.at) >= nameIndexTTL {
		return nil
	}
	return r.index
}

// refreshIndex lists every provider and builds a name index. Only a
// complete listing is cached: a partial one would hide ambiguities.
func (r *Registry) refreshIndex(ctx context.Context) (*nameIndex, []Failure) {
	at := r.now()
	all, fails := r.ListAll(ctx, "")
	idx := &nameIndex{at: at, byName: make(map[string][]Located)}
	for _, l := range all {
		k := strings.ToLower(l.Name)
		idx.byName[k] = append(idx.byName[k], l)
	}
	for _, ls := range idx.byName {
		slices.SortFunc(ls, func(a, b Located) int { return strings.Compare(a.Ref(), b.Ref()) })
	}
	if len(fails) == 0 {
		r.mu.Lock()
		r.index = idx
		r.mu.Unlock()
	}
	return idx, fails
}
