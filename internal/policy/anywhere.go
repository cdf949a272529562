package policy

import "fmt"

// MayAnywhere is MayAnywhereFor a principal acting by itself.
func (e *Enforcer) MayAnywhere(principal, permission string) Decision {
	return e.MayAnywhereFor(Subject{Principal: principal}, permission)
}

// MayAnywhereFor answers "does sub (its principal or any of its groups)
// hold permission on at least one server", with the rule that grants it.
// The command layer asks it before resolving a server, so that someone
// with no grant at all learns nothing about which servers exist. It
// matches permissions with the policy's own glob (a "server.*" grant
// covers "server.delete"), never a second matcher that could disagree with
// DecideFor, and is cached per generation and subject set like DecideFor.
func (e *Enforcer) MayAnywhereFor(sub Subject, permission string) Decision {
	s := e.cur.Load()
	k := cacheKey{kind: kindAnywhere, principal: sub.Principal, groups: sub.groupsKey(), verb: permission}
	if v, ok := s.cache.load(k); ok {
		return v.(Decision)
	}
	if err := ValidSubject(sub); err != nil {
		return Decision{Rule: "default deny: " + err.Error()}
	}
	if !knownPermission(permission) {
		return Decision{Rule: fmt.Sprintf("default deny: unknown permission %q", permission)}
	}
	d := Decision{Rule: "default deny"}
	eng := s.eng
	eng.mu.Lock()
	for _, name := range sub.names() {
		if d.Allowed {
			break
		}
		for _, r := range eng.rules {
			if r.ptype == "p" && glob(permission, r.fields[2]) && eng.holds(name, r.fields[0]) {
				d = Decision{Allowed: true, Rule: via(r.text(), name, sub.Principal)}
				break
			}
		}
	}
	eng.mu.Unlock()
	e.remember(s, k, d)
	return d
}
