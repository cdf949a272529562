package policy

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/govaluate"
)

// engine is one loaded, validated policy: a Casbin enforcer over the rules
// of one generation. It is never modified after load; a reload builds a
// new engine.
type engine struct {
	// mu serialises every call into Casbin. Casbin's default role manager
	// creates and removes temporary roles while it answers, and with a
	// pattern matching function it links them to the stored roles, which is
	// not safe to interleave; answers are cached, so the lock is only held
	// on a cache miss.
	mu    sync.Mutex
	cb    *casbin.Enforcer
	rules []rule // in file order, deduplicated, for Explain
}

// gateContext selects r2/p2/e2/m2 in model.conf.
func gateContext() casbin.EnforceContext { return casbin.NewEnforceContext("2") }

// newEngine builds an engine from model and policy text; modelName and
// policyName label errors ("./model.conf", "embedded policy.csv").
func newEngine(modelName, modelText, policyName, policyText string) (*engine, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelName, err)
	}
	if err := checkModel(m); err != nil {
		return nil, fmt.Errorf("%s: %w", modelName, err)
	}
	if err := checkMatchers(m); err != nil {
		return nil, fmt.Errorf("%s: %w", modelName, err)
	}
	rules, err := parseRules(policyName, policyText)
	if err != nil {
		return nil, err
	}
	cb, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelName, err)
	}
	cb.AddFunction("glob", globFunc)
	// Patterns in g lines ("g, mcp:*, agent") and pattern subjects in p and
	// p2 lines ("p2, *, ...") are matched with the same glob as objects.
	cb.AddNamedMatchingFunc("g", "glob", glob)
	e := &engine{cb: cb}
	seen := make(map[string]bool, len(rules))
	for _, r := range rules {
		if seen[r.text()] { // a repeated line adds nothing, as in Casbin's own loader
			continue
		}
		seen[r.text()] = true
		e.rules = append(e.rules, r)
		sec := r.ptype[:1]
		if err := cb.GetModel().AddPolicy(sec, r.ptype, r.fields); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", policyName, r.line, err)
		}
	}
	if err := cb.BuildRoleLinks(); err != nil {
		return nil, fmt.Errorf("%s: role links: %w", policyName, err)
	}
	// Evaluate both matchers once, against the real role manager, so that
	// anything checkMatchers cannot see fails the load, not the first
	// decision.
	if _, _, err := cb.EnforceEx("shell:probe", "probe/probe", "server.read"); err != nil {
		return nil, fmt.Errorf("%s: matcher m: %w", modelName, err)
	}
	if _, _, err := cb.EnforceEx(gateContext(), "shell:probe", "probe/probe", "probe", string(GateApproval)); err != nil {
		return nil, fmt.Errorf("%s: matcher m2: %w", modelName, err)
	}
	return e, nil
}

// checkModel insists on the request and policy shapes this package fills
// in by position: a model with other fields would silently compare the
// wrong values.
func checkModel(m model.Model) error {
	want := []struct {
		sec, key string
		tokens   []string
	}{
		{"r", "r", []string{"r_sub", "r_obj", "r_act"}},
		{"r", "r2", []string{"r2_sub", "r2_obj", "r2_cmd", "r2_gate"}},
		{"p", "p", []string{"p_sub", "p_obj", "p_act"}},
		{"p", "p2", []string{"p2_sub", "p2_obj", "p2_cmd", "p2_gate"}},
		{"g", "g", []string{"_", "_"}},
		{"e", "e", nil},
		{"e", "e2", nil},
		{"m", "m", nil},
		{"m", "m2", nil},
	}
	for _, w := range want {
		a, ok := m[w.sec][w.key]
		if !ok {
			return fmt.Errorf("missing %s definition (see the default model.conf)", w.key)
		}
		if w.sec == "e" && strings.Join(strings.Fields(a.Value), "") != "some(where(p_eft==allow))" {
			// Deny by default is the contract: any other effect (deny
			// overrides, priority) changes what an absent rule means.
			return fmt.Errorf("%s = %s: want some(where (p.eft == allow))", w.key, a.Value)
		}
		if w.tokens == nil {
			continue
		}
		got := make([]string, len(a.Tokens))
		for i, t := range a.Tokens {
			got[i] = strings.TrimSpace(t)
		}
		if !slices.Equal(got, w.tokens) {
			return fmt.Errorf("%s = %s: want %s", w.key, a.Value, strings.Join(w.tokens, ", "))
		}
	}
	return nil
}

// checkMatchers compiles both matchers and checks that they read only the
// request and policy fields of their own section. Casbin reports a
// misspelt field only when evaluation reaches it, which for a matcher that
// short-circuits may be never, or the first time production needs it.
func checkMatchers(m model.Model) error {
	fm := model.LoadFunctionMap()
	fm.AddFunction("glob", globFunc)
	fm.AddFunction("g", func(...any) (any, error) { return false, nil })
	funcs := fm.GetFunctions()
	for _, mt := range []struct{ key, r, p string }{{"m", "r", "p"}, {"m2", "r2", "p2"}} {
		expr, err := govaluate.NewEvaluableExpressionWithFunctions(m["m"][mt.key].Value, funcs)
		if err != nil {
			return fmt.Errorf("matcher %s: %w", mt.key, err)
		}
		known := append(slices.Clone(m["r"][mt.r].Tokens), m["p"][mt.p].Tokens...)
		for _, v := range expr.Vars() {
			if !slices.Contains(known, v) {
				return fmt.Errorf("matcher %s: unknown field %s (want one of %s)",
					mt.key, dotted(v), strings.Join(mapSlice(known, dotted), ", "))
			}
		}
	}
	return nil
}

// dotted turns Casbin's escaped token "r2_sub" back into "r2.sub".
func dotted(token string) string { return strings.Replace(token, "_", ".", 1) }

func mapSlice(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// decide asks Casbin; err is a matcher failure, which callers turn into a
// deny.
func (e *engine) decide(principal, permission, object string) (Decision, error) {
	e.mu.Lock()
	ok, explain, err := e.cb.EnforceEx(principal, object, permission)
	e.mu.Unlock()
	if err != nil || !ok {
		return Decision{Rule: ruleDefaultDeny}, err
	}
	return Decision{Allowed: true, Rule: ruleText("p", explain)}, nil
}

// gate returns the strictest gate a p2 rule asks for, asking the stricter
// gate first so that one match settles it.
func (e *engine) gate(principal, command, object string) (Gate, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range []Gate{GateApproval, GateConfirm} {
		ok, explain, err := e.cb.EnforceEx(gateContext(), principal, object, command, string(g))
		if err != nil {
			return GateApproval, "", err
		}
		if ok {
			return g, ruleText("p2", explain), nil
		}
	}
	return GateNone, "", nil
}

// holds reports whether principal is, has, or matches subject (a role,
// principal, pattern or "*"), the same test g() makes in the matchers.
// Callers hold e.mu.
func (e *engine) holds(principal, subject string) bool {
	ok, err := e.cb.GetRoleManager().HasLink(principal, subject)
	return err == nil && ok
}

// roles lists principal's roles, direct, inherited and through patterns.
func (e *engine) roles(principal string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	roles, _ := e.cb.GetImplicitRolesForUser(principal)
	slices.Sort(roles)
	return slices.Compact(roles)
}

// ruleDefaultDeny is Decision.Rule when no rule allows.
const ruleDefaultDeny = "default deny"
