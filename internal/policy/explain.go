package policy

// Explain says what principal may do under the policy in force: its roles
// (direct, inherited, and through patterns such as "g, mcp:*, agent"), every
// grant that reaches it and every gate rule that applies to it, in
// policy.csv order. A malformed principal gets an empty explanation.
func (e *Enforcer) Explain(principal string) Explanation {
	s := e.cur.Load()
	x := Explanation{Principal: principal, Generation: s.gen}
	if ValidPrincipal(principal) != nil {
		return x
	}
	eng := s.eng
	x.Roles = eng.roles(principal)

	eng.mu.Lock()
	defer eng.mu.Unlock()
	for _, r := range eng.rules {
		sub := r.fields[0]
		if r.ptype == "g" || !eng.holds(principal, sub) {
			continue
		}
		switch r.ptype {
		case "p":
			g := Grant{Permission: r.fields[2], Object: r.fields[1], Via: sub, Rule: r.text()}
			if sub == principal {
				g.Via = ""
			}
			x.Grants = append(x.Grants, g)
		case "p2":
			x.Gates = append(x.Gates, GateRule{Command: r.fields[2], Object: r.fields[1], Gate: r.gate, Rule: r.text()})
		}
	}
	return x
}
