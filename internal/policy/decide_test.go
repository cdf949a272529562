package policy

import (
	"fmt"
	"strings"
	"testing"
)

// Principals the role tests grant roles to, on top of the default policy.
var roleGrants = []string{
	"g, slack:T1:vera, viewer",
	"g, discord:1001, operator",
	"g, slack:T1:ada, admin",
	"g, discord:2002, approver",
}

func TestDecideDefaultRoles(t *testing.T) {
	e, _ := withPolicy(t, roleGrants...)
	const (
		viewer   = "slack:T1:vera"
		operator = "discord:1001"
		admin    = "slack:T1:ada"
		approver = "discord:2002"
		agent    = "mcp:claude"
		shell    = "shell:alice"
		stranger = "slack:T9:nobody"
		real     = "edis-fra/kvm_1"
		demo     = "demo-fra/web-1"
	)
	tests := []struct {
		principal, permission, object string
		allowed                       bool
		rule                          string // "" = don't check
	}{
		{viewer, "server.read", real, true, "p, viewer, *, server.read"},
		{viewer, "provider.read", "*", true, "p, viewer, *, provider.read"},
		{viewer, "approval.read", real, true, ""},
		{viewer, "server.power", real, false, "default deny"},
		{viewer, "server.power", demo, false, "default deny"},
		{viewer, "audit.read", "*", false, ""},

		{operator, "server.read", real, true, "p, viewer, *, server.read"},
		{operator, "server.power", demo, true, "p, operator, *, server.power"},
		{operator, "server.console", demo, true, ""},
		{operator, "server.iso", demo, true, ""},
		{operator, "server.ptr", demo, true, ""},
		{operator, "server.snapshot", demo, true, ""},
		{operator, "server.reinstall", real, false, ""},
		{operator, "approval.grant", real, false, ""},

		{admin, "server.delete", real, true, "p, admin, *, *"},
		{admin, "server.reinstall", real, true, ""},
		{admin, "audit.read", "*", true, ""},
		{admin, "approval.grant", real, true, ""},

		{approver, "approval.grant", real, true, "p, approver, *, approval.grant"},
		{approver, "approval.read", real, true, ""},
		{approver, "server.power", real, false, ""},

		{agent, "server.read", real, true, "p, viewer, *, server.read"},
		{agent, "server.power", real, true, "p, agent, *, server.power"},
		{agent, "server.reinstall", demo, false, ""},
		{agent, "server.console", demo, false, ""},
		{agent, "approval.grant", demo, false, ""},

		{shell, "server.delete", demo, true, "p, demo-owner, demo-*/*, *"},
		{shell, "approval.grant", demo, true, ""},
		{shell, "provider.read", "*", true, "p, demo-owner, *, provider.read"},
		{shell, "audit.read", "*", true, ""},
		{shell, "server.read", "edis-fra/x", false, "default deny"},
		{shell, "server.power", "edis-fra/x", false, ""},
		{shell, "approval.grant", "edis-fra/x", false, ""},

		{stranger, "server.read", demo, false, "default deny"},
		{stranger, "provider.read", "*", false, ""},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/%s/%s", tt.principal, tt.permission, tt.object)
		t.Run(name, func(t *testing.T) {
			// Twice: the second answer comes from the cache.
			for range 2 {
				d := e.Decide(tt.principal, tt.permission, tt.object)
				if d.Allowed != tt.allowed {
					t.Fatalf("Allowed = %v, want %v (rule %q)", d.Allowed, tt.allowed, d.Rule)
				}
				if tt.rule != "" && d.Rule != tt.rule {
					t.Fatalf("Rule = %q, want %q", d.Rule, tt.rule)
				}
			}
		})
	}
}

func TestDecideOnlyAdminDeletesRealServers(t *testing.T) {
	e, _ := withPolicy(t, roleGrants...)
	for _, p := range []string{"slack:T1:vera", "discord:1001", "discord:2002", "mcp:claude", "shell:alice", "slack:T9:nobody"} {
		if d := e.Decide(p, "server.delete", "edis-fra/kvm_1"); d.Allowed {
			t.Errorf("%s may delete: %q", p, d.Rule)
		}
	}
	if d := e.Decide("slack:T1:ada", "server.delete", "edis-fra/kvm_1"); !d.Allowed {
		t.Errorf("admin may not delete: %q", d.Rule)
	}
}

func TestDecideGlobObjectsAndPermissions(t *testing.T) {
	e, _ := withPolicy(t,
		"p, web-team, edis-fra/kvm_1*, server.power",
		"g, discord:7, web-team",
		"p, slack:T1:ops, glesys/*, server.*",
		"p, slack:T2:*, vpsbg/*, server.read",
	)
	tests := []struct {
		principal, permission, object string
		allowed                       bool
	}{
		{"discord:7", "server.power", "edis-fra/kvm_123", true},
		{"discord:7", "server.power", "edis-fra/kvm_1", true},
		{"discord:7", "server.power", "edis-fra/kvm_2", false},
		{"discord:7", "server.power", "glesys/kvm_1", false},
		{"discord:7", "server.read", "edis-fra/kvm_1", false},
		// Glob questions: allowed only where the rule covers them all.
		{"discord:7", "server.power", "edis-fra/kvm_1*", true},
		{"discord:7", "server.power", "edis-fra/*", false},
		{"discord:7", "server.power", "*", false},

		{"slack:T1:ops", "server.reinstall", "glesys/wps1", true},
		{"slack:T1:ops", "server.delete", "glesys/wps1", true},
		{"slack:T1:ops", "provider.read", "glesys/wps1", false},
		{"slack:T1:ops", "server.read", "edis-fra/kvm_1", false},

		// A principal pattern as the subject of a p line.
		{"slack:T2:anyone", "server.read", "vpsbg/45", true},
		{"slack:T3:anyone", "server.read", "vpsbg/45", false},
		{"discord:T2", "server.read", "vpsbg/45", false},
	}
	for _, tt := range tests {
		if d := e.Decide(tt.principal, tt.permission, tt.object); d.Allowed != tt.allowed {
			t.Errorf("Decide(%s, %s, %s) = %+v, want allowed %v", tt.principal, tt.permission, tt.object, d, tt.allowed)
		}
	}
	// A direct grant names the principal's own line.
	if d := e.Decide("slack:T1:ops", "server.power", "glesys/wps1"); d.Rule != "p, slack:T1:ops, glesys/*, server.*" {
		t.Errorf("Rule = %q", d.Rule)
	}
}

func TestDecideRefusesMalformedQuestions(t *testing.T) {
	// Grants that a malformed principal would otherwise slip through.
	e, _ := withPolicy(t, "g, shell:*, admin")
	tests := []struct {
		name, principal, permission, object, reason string
	}{
		{"role as principal", "admin", "server.read", "demo-fra/x", "principal"},
		{"pattern principal", "shell:*", "server.read", "demo-fra/x", "not allowed"},
		{"unknown kind", "irc:bob", "server.read", "demo-fra/x", "principal"},
		{"empty name", "shell:", "server.read", "demo-fra/x", "empty name"},
		{"comma", "shell:a,b", "server.read", "demo-fra/x", "not allowed"},
		{"permission glob", "shell:alice", "server.*", "demo-fra/x", "unknown permission"},
		{"unknown permission", "shell:alice", "server.explode", "demo-fra/x", "unknown permission"},
		{"empty object", "shell:alice", "server.read", "", "empty object"},
		{"control character", "shell:alice", "server.read", "demo-fra/x\n", "control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := e.Decide(tt.principal, tt.permission, tt.object)
			if d.Allowed || !strings.HasPrefix(d.Rule, "default deny") || !strings.Contains(d.Rule, tt.reason) {
				t.Errorf("Decide = %+v, want denied naming %q", d, tt.reason)
			}
		})
	}
	// The well-formed principal is allowed, so the denials above were
	// about the form, not the policy.
	if d := e.Decide("shell:alice", "server.read", "edis-fra/x"); !d.Allowed {
		t.Errorf("shell:alice denied: %q", d.Rule)
	}
}

func TestGate(t *testing.T) {
	e, _ := withPolicy(t,
		"p2, *, prod-*/*, *, confirm",
		"p2, agent, prod-*/*, reinstall, approval",
		"p2, slack:T1:ada, prod-*/*, reinstall, confirm",
		"p2, *, *, iso *, confirm",
	)
	tests := []struct {
		principal, command, object string
		gate                       Gate
		rule                       string
	}{
		{"shell:alice", "delete", "demo-nyc/web-1", GateApproval, "p2, *, demo-nyc/*, delete, approval"},
		{"mcp:claude", "delete", "demo-nyc/web-1", GateApproval, "p2, *, demo-nyc/*, delete, approval"},
		{"shell:alice", "delete", "demo-fra/web-1", GateNone, ""},
		{"shell:alice", "reinstall", "demo-nyc/nyc-203", GateApproval, "p2, *, demo-nyc/*, reinstall, approval"},
		{"shell:alice", "reinstall", "demo-fra/fra-103", GateNone, ""},
		{"shell:alice", "reinstall", "demo-fra/web-1", GateNone, ""},
		{"shell:alice", "reboot", "demo-nyc/web-1", GateNone, ""},
		// The strictest matching rule wins, whatever the file order.
		{"mcp:claude", "reinstall", "prod-a/1", GateApproval, "p2, agent, prod-*/*, reinstall, approval"},
		{"slack:T1:ada", "reinstall", "prod-a/1", GateConfirm, ""},
		{"shell:alice", "reboot", "prod-a/1", GateConfirm, "p2, *, prod-*/*, *, confirm"},
		{"shell:alice", "iso mount", "edis-fra/1", GateConfirm, "p2, *, *, iso *, confirm"},
		{"shell:alice", "isos", "edis-fra/1", GateNone, ""},
		// Malformed questions fail closed.
		{"admin", "reboot", "demo-fra/web-1", GateApproval, ""},
		{"shell:alice", " ", "demo-fra/web-1", GateApproval, ""},
	}
	for _, tt := range tests {
		t.Run(tt.principal+"/"+tt.command+"/"+tt.object, func(t *testing.T) {
			for range 2 { // second from the cache
				g, rule := e.Gate(tt.principal, tt.command, tt.object)
				if g != tt.gate {
					t.Fatalf("gate = %q (%q), want %q", g, rule, tt.gate)
				}
				if tt.rule != "" && rule != tt.rule {
					t.Fatalf("rule = %q, want %q", rule, tt.rule)
				}
			}
		})
	}
}

func TestStricter(t *testing.T) {
	for _, tt := range []struct{ a, b, want Gate }{
		{GateNone, GateConfirm, GateConfirm},
		{GateApproval, GateConfirm, GateApproval},
		{GateConfirm, GateNone, GateConfirm},
		{GateNone, GateNone, GateNone},
	} {
		if got := Stricter(tt.a, tt.b); got != tt.want {
			t.Errorf("Stricter(%q, %q) = %q", tt.a, tt.b, got)
		}
	}
}

func TestDecideCacheIsBounded(t *testing.T) {
	e, _ := withPolicy(t)
	e.cacheLimit = 10
	gen := e.Generation()
	for i := range 100 {
		obj := fmt.Sprintf("demo-fra/web-%d", i)
		if d := e.Decide("shell:alice", "server.read", obj); !d.Allowed {
			t.Fatalf("%s: denied: %q", obj, d.Rule)
		}
		if n := e.cur.Load().cache.n.Load(); n > int64(e.cacheLimit)+1 {
			t.Fatalf("cache holds %d entries, limit %d", n, e.cacheLimit)
		}
	}
	if e.Generation() != gen {
		t.Errorf("dropping the cache changed the generation: %d → %d", gen, e.Generation())
	}
	// A repeated question is answered from the cache: one entry, not two.
	e.cacheLimit = defaultCacheLimit
	c := e.cur.Load().cache
	n := c.n.Load()
	for range 3 {
		e.Decide("shell:alice", "server.read", "demo-fra/repeated")
	}
	if got := c.n.Load() - n; got != 1 {
		t.Errorf("three identical questions added %d cache entries, want 1", got)
	}
}
