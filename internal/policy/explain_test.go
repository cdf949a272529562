package policy

import (
	"slices"
	"testing"
)

func TestExplain(t *testing.T) {
	e, _ := withPolicy(t, append(roleGrants,
		"p, slack:T1:ada, edis-fra/1, server.read",
		"p2, admin, prod-*/*, reinstall, approval",
	)...)

	t.Run("pattern-derived role", func(t *testing.T) {
		x := e.Explain("mcp:claude")
		if want := []string{"agent", "viewer"}; !slices.Equal(x.Roles, want) {
			t.Errorf("Roles = %v, want %v", x.Roles, want)
		}
		wantGrant(t, x, Grant{Permission: "server.power", Object: "*", Via: "agent", Rule: "p, agent, *, server.power"})
		wantGrant(t, x, Grant{Permission: "server.read", Object: "*", Via: "viewer", Rule: "p, viewer, *, server.read"})
		for _, g := range x.Grants {
			if g.Via != "agent" && g.Via != "viewer" {
				t.Errorf("unexpected grant %+v", g)
			}
		}
		// The default gates apply to everyone; the admin one does not.
		wantGates := []string{"p2, *, demo-nyc/*, delete, approval", "p2, *, demo-nyc/*, reinstall, approval"}
		if got := gateRules(x); !slices.Equal(got, wantGates) {
			t.Errorf("Gates = %v, want %v", got, wantGates)
		}
	})

	t.Run("inherited roles and direct grant", func(t *testing.T) {
		x := e.Explain("slack:T1:ada")
		if want := []string{"admin", "operator", "viewer"}; !slices.Equal(x.Roles, want) {
			t.Errorf("Roles = %v, want %v", x.Roles, want)
		}
		wantGrant(t, x, Grant{Permission: "*", Object: "*", Via: "admin", Rule: "p, admin, *, *"})
		wantGrant(t, x, Grant{Permission: "server.power", Object: "*", Via: "operator", Rule: "p, operator, *, server.power"})
		wantGrant(t, x, Grant{Permission: "server.read", Object: "edis-fra/1", Via: "", Rule: "p, slack:T1:ada, edis-fra/1, server.read"})
		if !slices.Contains(gateRules(x), "p2, admin, prod-*/*, reinstall, approval") {
			t.Errorf("admin gate missing from %v", gateRules(x))
		}
	})

	t.Run("shell demo", func(t *testing.T) {
		x := e.Explain("shell:alice")
		if want := []string{"demo-owner"}; !slices.Equal(x.Roles, want) {
			t.Errorf("Roles = %v, want %v", x.Roles, want)
		}
		wantGrant(t, x, Grant{Permission: "*", Object: "demo-*/*", Via: "demo-owner", Rule: "p, demo-owner, demo-*/*, *"})
	})

	t.Run("stranger", func(t *testing.T) {
		x := e.Explain("slack:T9:nobody")
		if len(x.Roles) != 0 || len(x.Grants) != 0 {
			t.Errorf("stranger has roles %v grants %v", x.Roles, x.Grants)
		}
		if x.Principal != "slack:T9:nobody" || x.Generation != e.Generation() {
			t.Errorf("Principal %q Generation %d", x.Principal, x.Generation)
		}
	})

	t.Run("malformed principal", func(t *testing.T) {
		x := e.Explain("admin")
		if len(x.Roles) != 0 || len(x.Grants) != 0 || len(x.Gates) != 0 {
			t.Errorf("role name explained as a principal: %+v", x)
		}
	})
}

func wantGrant(t *testing.T, x Explanation, g Grant) {
	t.Helper()
	if !slices.Contains(x.Grants, g) {
		t.Errorf("%s: grant %+v missing from %+v", x.Principal, g, x.Grants)
	}
}

func gateRules(x Explanation) []string {
	var rules []string
	for _, g := range x.Gates {
		rules = append(rules, g.Rule)
	}
	return rules
}
