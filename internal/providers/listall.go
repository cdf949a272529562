package providers

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Located is a server together with the provider instance that has it.
type Located struct {
	Provider string
	driver.Server
}

// Ref is the server's reference, "provider/id".
func (l Located) Ref() string { return l.Provider + "/" + l.ID }

// Failure is one provider that could not be listed.
type Failure struct {
	Provider string
	Err      error
}

// ListAll lists the servers of every provider (or only the one named only)
// at once. Each provider's own timeout bounds its part, so one slow or
// failing provider costs a Failure, not the whole answer. Servers are
// sorted by provider, then name, then id; failures by provider. An only
// that names no configured provider is a NotFound Failure.
func (r *Registry) ListAll(ctx context.Context, only string) ([]Located, []Failure) {
	ps := r.sorted
	if only != "" {
		p, ok := r.byName[only]
		if !ok {
			return nil, []Failure{{Provider: only, Err: r.unknownProvider(only)}}
		}
		ps = []*Provider{p}
	}
	type result struct {
		servers []driver.Server
		err     error
	}
	results := make([]result, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			s, err := p.ListServers(ctx)
			results[i] = result{s, err}
		})
	}
	wg.Wait()

	var out []Located
	var fails []Failure
	for i, res := range results {
		if res.err != nil {
			fails = append(fails, Failure{Provider: ps[i].Name(), Err: res.err})
			continue
		}
		for _, s := range res.servers {
			out = append(out, Located{Provider: ps[i].Name(), Server: s})
		}
	}
	slices.SortFunc(out, func(a, b Located) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out, fails
}
