package policy

import "fmt"

// MayAnywhere answers "does principal hold permission on at least one
// server", with the rule that grants it. The command layer asks it before
// resolving a server, so that someone with no grant at all learns nothing
// about which servers exist. It matches permissions with the policy's own
// glob (a "server.*" grant covers "server.delete"), never a second
// matcher that could disagree with Decide, and is cached per generation
// like Decide.
func (e *Enforcer) MayAnywhere(principal, permission string) Decision {
	s := e.cur.Load()
	k := cacheKey{kind: kindAnywhere, principal: principal, verb: permission}
	if v, ok := s.cache.load(k); ok {
		return v.(Decision)
	}
	if err := ValidPrincipal(principal); err != nil {
		return Decision{Rule: "default deny: " + err.Error()}
	}
	if !knownPermission(permission) {
		return Decision{Rule: fmt.Sprintf("default deny: unknown permission %q", permission)}
	}
	d := Decision{Rule: "default deny"}
	eng := s.eng
	eng.mu.Lock()
	for _, r := range eng.rules {
		if r.ptype == "p" && glob(permission, r.fields[2]) && eng.holds(principal, r.fields[0]) {
			d = Decision{Allowed: true, Rule: r.text()}
			break
		}
	}
	eng.mu.Unlock()
	e.remember(s, k, d)
	return d
}
