package policy

import (
	"fmt"
	"strings"
)

// Decide answers "may principal use permission on object". object is a
// server reference "provider/id", or "*" for a command that names no
// server (providers, approvals, audit). An object that is itself a glob
// ("demo-fra/*") is allowed only by a rule whose pattern covers every
// server it can match, because "*" in the question is treated as a plain
// character that only a "*" in the rule can absorb.
//
// Malformed input (see ValidPrincipal; a permission not in Permissions; an
// empty object) is denied with Rule naming the problem. Answers are cached
// per policy generation.
func (e *Enforcer) Decide(principal, permission, object string) Decision {
	s := e.cur.Load()
	k := cacheKey{kind: kindDecision, principal: principal, verb: permission, object: object}
	if v, ok := s.cache.load(k); ok {
		return v.(Decision)
	}
	if err := checkQuestion(principal, object); err != nil {
		return Decision{Rule: "default deny: " + err.Error()}
	}
	if !knownPermission(permission) {
		return Decision{Rule: fmt.Sprintf("default deny: unknown permission %q", permission)}
	}
	d, err := s.eng.decide(principal, permission, object)
	if err != nil {
		// A matcher error is a broken model, not an answer: deny, say so,
		// and do not cache it.
		e.log.Error("policy decision failed; denying", "generation", s.gen,
			"principal", principal, "permission", permission, "object", object, "err", err)
		return Decision{Rule: "default deny: policy error"}
	}
	e.remember(s, k, d)
	return d
}

// Gate returns the strictest gate any p2 rule asks for command by
// principal on object, and that rule as written ("p2, *, demo-nyc/*,
// delete, approval"); GateNone and "" when no rule matches. These gates
// come on top of the command layer's own defaults (confirm for destructive
// commands, approval for mcp: principals). Malformed input fails closed:
// GateApproval with a rule naming the problem.
func (e *Enforcer) Gate(principal, command, object string) (Gate, string) {
	s := e.cur.Load()
	k := cacheKey{kind: kindGate, principal: principal, verb: command, object: object}
	if v, ok := s.cache.load(k); ok {
		a := v.(gateAnswer)
		return a.gate, a.rule
	}
	if err := checkQuestion(principal, object); err != nil {
		return GateApproval, "invalid request: " + err.Error()
	}
	if strings.TrimSpace(command) == "" {
		return GateApproval, "invalid request: empty command"
	}
	g, rule, err := s.eng.gate(principal, command, object)
	if err != nil {
		e.log.Error("policy gate failed; requiring approval", "generation", s.gen,
			"principal", principal, "command", command, "object", object, "err", err)
		return GateApproval, "policy error"
	}
	e.remember(s, k, gateAnswer{gate: g, rule: rule})
	return g, rule
}

// checkQuestion validates the parts of a question that reach Casbin's role
// manager and matchers.
func checkQuestion(principal, object string) error {
	if err := ValidPrincipal(principal); err != nil {
		return err
	}
	return checkPattern("object", object)
}
