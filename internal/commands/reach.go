package commands

import (
	"path"
	"sync"
)

// mayAnywhere reports whether principal holds permission on at least one
// object, and the rule that grants it. It is asked on every request, before
// the server is resolved, so answers are cached per policy generation: a
// reload starts a fresh cache, and no answer outlives the policy it came
// from.
func (r *Runner) mayAnywhere(principal, permission string) (bool, string) {
	gen := r.policy.Generation()
	key := reachKey{principal, permission}
	if a, ok := r.reach.get(gen, key); ok {
		return a.ok, a.rule
	}
	a := reachAnswer{rule: "default deny"}
	for _, g := range r.policy.Explain(principal).Grants {
		if ok, _ := path.Match(g.Permission, permission); ok {
			a = reachAnswer{ok: true, rule: g.Rule}
			break
		}
	}
	r.reach.put(gen, key, a)
	return a.ok, a.rule
}

type reachKey struct{ principal, permission string }

type reachAnswer struct {
	ok   bool
	rule string
}

// reachCache is a bounded map that empties itself when the policy
// generation changes or it grows past maxReach entries.
type reachCache struct {
	mu  sync.RWMutex
	gen uint64
	m   map[reachKey]reachAnswer
}

const maxReach = 10000

func (c *reachCache) get(gen uint64, k reachKey) (reachAnswer, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.gen != gen {
		return reachAnswer{}, false
	}
	a, ok := c.m[k]
	return a, ok
}

func (c *reachCache) put(gen uint64, k reachKey, a reachAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.m == nil || len(c.m) >= maxReach {
		c.gen, c.m = gen, map[reachKey]reachAnswer{}
	}
	c.m[k] = a
}
