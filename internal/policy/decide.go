package policy

import (
	"fmt"
	"strings"
)

// Decide answers "may principal use permission on object" for a principal
// acting by itself: DecideFor with no groups.
func (e *Enforcer) Decide(principal, permission, object string) Decision {
	return e.DecideFor(Subject{Principal: principal}, permission, object)
}

// DecideFor answers "may sub use permission on object": allowed when its
// principal or any of its groups is. object is a server reference
// "provider/id", or "*" for a command that names no server (providers,
// approvals, audit). An object that is itself a glob ("demo-fra/*") is
// allowed only by a rule whose pattern covers every server it can match,
// because "*" in the question is treated as a plain character that only a
// "*" in the rule can absorb.
//
// Malformed input (see ValidSubject; a permission not in Permissions; an
// empty object) is denied with Rule naming the problem. Answers are cached
// per policy generation and subject set.
func (e *Enforcer) DecideFor(sub Subject, permission, object string) Decision {
	s := e.cur.Load()
	k := cacheKey{kind: kindDecision, principal: sub.Principal, groups: sub.groupsKey(), verb: permission, object: object}
	if v, ok := s.cache.load(k); ok {
		return v.(Decision)
	}
	if err := checkQuestion(sub, object); err != nil {
		return Decision{Rule: "default deny: " + err.Error()}
	}
	if !knownPermission(permission) {
		return Decision{Rule: fmt.Sprintf("default deny: unknown permission %q", permission)}
	}
	d := Decision{Rule: ruleDefaultDeny}
	for _, name := range sub.names() {
		nd, err := s.eng.decide(name, permission, object)
		if err != nil {
			// A matcher error is a broken model, not an answer: deny, say
			// so, and do not cache it.
			e.log.Error("policy decision failed; denying", "generation", s.gen,
				"subject", name, "permission", permission, "object", object, "err", err)
			return Decision{Rule: "default deny: policy error"}
		}
		if nd.Allowed {
			d = Decision{Allowed: true, Rule: via(nd.Rule, name, sub.Principal)}
			break
		}
	}
	e.remember(s, k, d)
	return d
}

// Gate is GateFor a principal acting by itself.
func (e *Enforcer) Gate(principal, command, object string) (Gate, string) {
	return e.GateFor(Subject{Principal: principal}, command, object)
}

// GateFor returns the strictest gate any p2 rule asks for command by sub
// (its principal or any of its groups) on object, and that rule as written
// ("p2, *, demo-nyc/*, delete, approval", with "(via <group>)" when it
// matched a group only); GateNone and "" when no rule matches. These gates
// come on top of the command layer's own defaults (confirm for destructive
// commands, approval for mcp: principals). Malformed input fails closed:
// GateApproval with a rule naming the problem.
func (e *Enforcer) GateFor(sub Subject, command, object string) (Gate, string) {
	s := e.cur.Load()
	k := cacheKey{kind: kindGate, principal: sub.Principal, groups: sub.groupsKey(), verb: command, object: object}
	if v, ok := s.cache.load(k); ok {
		a := v.(gateAnswer)
		return a.gate, a.rule
	}
	if err := checkQuestion(sub, object); err != nil {
		return GateApproval, "invalid request: " + err.Error()
	}
	if strings.TrimSpace(command) == "" {
		return GateApproval, "invalid request: empty command"
	}
	a := gateAnswer{gate: GateNone}
	for _, name := range sub.names() {
		g, rule, err := s.eng.gate(name, command, object)
		if err != nil {
			e.log.Error("policy gate failed; requiring approval", "generation", s.gen,
				"subject", name, "command", command, "object", object, "err", err)
			return GateApproval, "policy error"
		}
		if Stricter(a.gate, g) != a.gate {
			a = gateAnswer{gate: g, rule: via(rule, name, sub.Principal)}
		}
		if a.gate == GateApproval {
			break
		}
	}
	e.remember(s, k, a)
	return a.gate, a.rule
}

// checkQuestion validates the parts of a question that reach Casbin's role
// manager and matchers.
func checkQuestion(sub Subject, object string) error {
	if err := ValidSubject(sub); err != nil {
		return err
	}
	return checkPattern("object", object)
}
