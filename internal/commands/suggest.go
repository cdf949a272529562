package commands

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/policy"
	"github.com/vpsops/vpsops/internal/providers"
)

// Suggest offers at most max values for argument arg of command as
// someone (with the groups of their signed payload) types it (Discord's autocomplete): server references the
// principal may act on with the command (matched by reference or name),
// configured providers, or the ids of requests waiting for them. It
// decides nothing (every value is checked again when the command runs)
// and reveals nothing the principal could not list: a server the policy
// hides is never offered. Listings are kept for a few seconds, because
// it is asked at every keystroke.
func (r *Runner) Suggest(ctx context.Context, who Viewer, command, arg, typed string, max int) []string {
	cmd := r.reg.Lookup(command)
	if cmd == nil || max <= 0 || who.Principal.MCP() || policy.ValidSubject(who.subject()) != nil {
		return nil
	}
	var kind Kind = -1
	for _, a := range cmd.Args {
		if a.Name == arg {
			kind = a.Kind
		}
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []string
	add := func(v string, also ...string) {
		if len(out) >= max {
			return
		}
		for _, s := range append([]string{v}, also...) {
			if strings.Contains(strings.ToLower(s), typed) {
				out = append(out, v)
				return
			}
		}
	}
	switch kind {
	case KindServer, KindServerFilter:
		perm := cmd.Permission
		if perm == "" {
			perm = "server.read"
		}
		for _, s := range r.suggestions.servers(ctx, r.fleet, r.clock) {
			if r.policy.DecideFor(who.subject(), perm, s.Ref()).Allowed {
				add(s.Ref(), s.Name)
			}
		}
	case KindProvider:
		for _, p := range r.fleet.Names() {
			add(p)
		}
	case KindRequestID:
		reqs, err := r.approvals.List(ctx, approval.Filter{States: []approval.State{approval.Confirming, approval.Pending}, Limit: 100})
		if err == nil {
			for _, q := range reqs {
				if q.Principal == string(who.Principal) || r.CanApproveFor(who, q) {
					add(q.ID, q.Target)
				}
			}
		}
	}
	return out
}

// suggestions keeps the last listing of every provider's servers for
// Suggest.
type suggestions struct {
	mu   sync.Mutex
	at   time.Time
	list []providers.Located
}

// suggestFor is how long one listing answers Suggest.
const suggestFor = 10 * time.Second

func (s *suggestions) servers(ctx context.Context, fleet *providers.Registry, now func() time.Time) []providers.Located {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.list == nil || now().Sub(s.at) > suggestFor {
		list, _ := fleet.ListAll(ctx, "") // a provider that fails offers nothing
		sort.Slice(list, func(i, j int) bool { return list[i].Ref() < list[j].Ref() })
		s.list, s.at = list, now()
	}
	return s.list
}
