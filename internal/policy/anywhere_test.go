package policy

import (
	"strings"
	"testing"
)

func TestMayAnywhere(t *testing.T) {
	e, _ := withPolicy(t,
		"g, slack:T1:ops, opsrole",
		"p, opsrole, edis-fra/kvm_1*, server.*",
		"p, slack:T1:pat, glesys-*/*, server.ptr",
	)
	cases := []struct {
		principal, permission string
		allowed               bool
		rule                  string
	}{
		{"slack:T1:ops", "server.delete", true, "p, opsrole, edis-fra/kvm_1*, server.*"},
		{"slack:T1:ops", "audit.read", false, "default deny"},
		{"slack:T1:pat", "server.ptr", true, "p, slack:T1:pat, glesys-*/*, server.ptr"},
		{"slack:T1:pat", "server.power", false, "default deny"},
		{"slack:T1:nobody", "server.read", false, "default deny"},
		{"slack:T1:ops", "server.fly", false, `default deny: unknown permission "server.fly"`},
		{"not a principal", "server.read", false, "default deny: "},
	}
	for range 2 { // the second round answers from the cache
		for _, c := range cases {
			d := e.MayAnywhere(c.principal, c.permission)
			if d.Allowed != c.allowed || !strings.HasPrefix(d.Rule, c.rule) {
				t.Errorf("MayAnywhere(%s, %s) = %+v, want %v by %q", c.principal, c.permission, d, c.allowed, c.rule)
			}
		}
	}
}
