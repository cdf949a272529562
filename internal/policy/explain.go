package policy

import "slices"

// Explain is ExplainFor a principal acting by itself.
func (e *Enforcer) Explain(principal string) Explanation {
	return e.ExplainFor(Subject{Principal: principal})
}

// ExplainFor says what sub may do under the policy in force: its roles
// (direct, inherited, and through patterns such as "g, mcp:*, agent"), each
// group with the roles it brings, every grant that reaches it and every
// gate rule that applies to it, in policy.csv order. A rule that reaches
// the principal itself is listed as its own; one that reaches only a group
// names the group. A malformed subject gets an empty explanation.
func (e *Enforcer) ExplainFor(sub Subject) Explanation {
	s := e.cur.Load()
	x := Explanation{Principal: sub.Principal, Generation: s.gen}
	if ValidSubject(sub) != nil {
		return x
	}
	eng := s.eng
	names := sub.names()
	x.Roles = eng.roles(sub.Principal)
	for _, g := range names[1:] {
		roles := eng.roles(g)
		x.Groups = append(x.Groups, GroupRoles{Group: g, Roles: roles})
		x.Roles = append(x.Roles, roles...)
	}
	slices.Sort(x.Roles)
	x.Roles = slices.Compact(x.Roles)

	eng.mu.Lock()
	defer eng.mu.Unlock()
	for _, r := range eng.rules {
		rs := r.fields[0] // the rule's subject
		if r.ptype == "g" {
			continue
		}
		i := slices.IndexFunc(names, func(n string) bool { return eng.holds(n, rs) })
		if i < 0 {
			continue
		}
		group := ""
		if i > 0 {
			group = names[i]
		}
		switch r.ptype {
		case "p":
			g := Grant{Permission: r.fields[2], Object: r.fields[1], Via: rs, Group: group, Rule: r.text()}
			if rs == names[i] {
				g.Via = ""
			}
			x.Grants = append(x.Grants, g)
		case "p2":
			x.Gates = append(x.Gates, GateRule{Command: r.fields[2], Object: r.fields[1], Gate: r.gate, Group: group, Rule: r.text()})
		}
	}
	return x
}
