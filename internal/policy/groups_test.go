package policy

import (
	"slices"
	"strings"
	"testing"
)

// Groups the group tests grant, on top of the default policy.
var groupGrants = []string{
	"g, discord-role:G1:R-ONCALL, approver",
	"p, discord-role:G1:R-OPS, edis-fra/*, server.power",
	"g, discord-role:G2:*, viewer",
	"p2, discord-role:G1:R-CAREFUL, *, reboot, confirm",
	"p2, discord-role:G1:R-PROD, *, reboot, approval",
}

const (
	oncall  = "discord-role:G1:R-ONCALL"
	ops     = "discord-role:G1:R-OPS"
	careful = "discord-role:G1:R-CAREFUL"
	prod    = "discord-role:G1:R-PROD"
	member  = "discord:123"
)

func TestValidSubject(t *testing.T) {
	good := []Subject{
		{Principal: member},
		{Principal: member, Groups: []string{oncall, ops}},
		{Principal: member, Groups: []string{oncall, oncall}},
	}
	for _, s := range good {
		if err := ValidSubject(s); err != nil {
			t.Errorf("ValidSubject(%v) = %v", s, err)
		}
	}
	many := make([]string, MaxGroups+1)
	for i := range many {
		many[i] = oncall
	}
	bad := []struct {
		sub  Subject
		want string
	}{
		{Subject{member, []string{"admin"}}, `group "admin"`},
		{Subject{member, []string{"shell:root"}}, `group "shell:root"`},
		{Subject{member, []string{"discord:456"}}, `group "discord:456"`},
		{Subject{member, []string{"discord-role:G1"}}, "want discord-role:<scope>:<id>"},
		{Subject{member, []string{"discord-role::R"}}, "want discord-role:<scope>:<id>"},
		{Subject{member, []string{"discord-role:G1:"}}, "want discord-role:<scope>:<id>"},
		{Subject{member, []string{"discord-role:G1:*"}}, `character '*'`},
		{Subject{member, []string{"discord-role:G1:R 1"}}, `character ' '`},
		{Subject{member, []string{"discord-role:G1:R\n1"}}, `character '\n'`},
		{Subject{member, []string{""}}, `group ""`},
		{Subject{"mcp:bot", []string{oncall}}, "a mcp principal has no discord-role groups"},
		{Subject{"slack:T1:U1", []string{oncall}}, "a slack principal has no discord-role groups"},
		{Subject{"shell:alice", []string{oncall}}, "a shell principal has no discord-role groups"},
		{Subject{"admin", []string{oncall}}, `principal "admin"`},
		{Subject{member, many}, "at most 250"},
		{Subject{member, []string{oncall + strings.Repeat("9", 100)}}, "a group of 124 bytes: at most 100"},
	}
	for _, tt := range bad {
		err := ValidSubject(tt.sub)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ValidSubject(%q) = %v, want an error containing %q", tt.sub, err, tt.want)
		}
	}
}

func TestDecideForGroups(t *testing.T) {
	e, _ := withPolicy(t, append(groupGrants, "g, discord:123, viewer")...)
	tests := []struct {
		groups     []string
		permission string
		object     string
		allowed    bool
		rule       string
	}{
		{nil, "approval.grant", "edis-fra/1", false, "default deny"},
		{[]string{oncall}, "approval.grant", "edis-fra/1", true, "p, approver, *, approval.grant (via " + oncall + ")"},
		{[]string{ops, oncall}, "approval.grant", "edis-fra/1", true, "p, approver, *, approval.grant (via " + oncall + ")"},
		{[]string{ops}, "server.power", "edis-fra/1", true, "p, " + ops + ", edis-fra/*, server.power (via " + ops + ")"},
		{[]string{ops}, "server.power", "glesys/1", false, "default deny"},
		// What the principal may do by itself is named as its own.
		{[]string{oncall}, "server.read", "edis-fra/1", true, "p, viewer, *, server.read"},
		// A group pattern covers every role of the guild, and no other guild.
		{[]string{"discord-role:G2:anything"}, "server.read", "x/1", true, "p, viewer, *, server.read"},
		{[]string{"discord-role:G3:R-ONCALL"}, "approval.grant", "x/1", false, "default deny"},
		// A malformed group denies the whole question.
		{[]string{oncall, "admin"}, "approval.grant", "edis-fra/1", false, `default deny: group "admin": want discord-role:<guild>:<role>`},
	}
	for _, tt := range tests {
		d := e.DecideFor(Subject{Principal: member, Groups: tt.groups}, tt.permission, tt.object)
		if d.Allowed != tt.allowed || d.Rule != tt.rule {
			t.Errorf("DecideFor(%v, %s, %s) = %+v, want allowed=%v rule %q", tt.groups, tt.permission, tt.object, d, tt.allowed, tt.rule)
		}
	}
	// Another platform's principal presenting the group gets nothing from it.
	if d := e.DecideFor(Subject{Principal: "slack:T1:U1", Groups: []string{oncall}}, "approval.grant", "x/1"); d.Allowed {
		t.Errorf("a slack principal approved through a discord role: %+v", d)
	}
}

func TestGateForGroups(t *testing.T) {
	e, _ := withPolicy(t, groupGrants...)
	tests := []struct {
		groups []string
		gate   Gate
		rule   string
	}{
		{nil, GateNone, ""},
		{[]string{careful}, GateConfirm, "p2, " + careful + ", *, reboot, confirm (via " + careful + ")"},
		{[]string{careful, prod}, GateApproval, "p2, " + prod + ", *, reboot, approval (via " + prod + ")"},
		{[]string{"bad"}, GateApproval, `invalid request: group "bad": want discord-role:<guild>:<role>`},
	}
	for _, tt := range tests {
		g, rule := e.GateFor(Subject{Principal: member, Groups: tt.groups}, "reboot", "edis-fra/1")
		if g != tt.gate || rule != tt.rule {
			t.Errorf("GateFor(%v) = %q, %q; want %q, %q", tt.groups, g, rule, tt.gate, tt.rule)
		}
	}
	// The principal's own stricter rule wins over a group's looser one.
	e2, _ := withPolicy(t, append(groupGrants, "p2, discord:123, *, reboot, approval")...)
	if g, rule := e2.GateFor(Subject{Principal: member, Groups: []string{careful}}, "reboot", "x/1"); g != GateApproval || rule != "p2, discord:123, *, reboot, approval" {
		t.Errorf("GateFor = %q, %q", g, rule)
	}
}

func TestMayAnywhereForGroups(t *testing.T) {
	e, _ := withPolicy(t, groupGrants...)
	if d := e.MayAnywhereFor(Subject{Principal: member}, "server.power"); d.Allowed {
		t.Errorf("without the group: %+v", d)
	}
	d := e.MayAnywhereFor(Subject{Principal: member, Groups: []string{ops}}, "server.power")
	if want := "p, " + ops + ", edis-fra/*, server.power (via " + ops + ")"; !d.Allowed || d.Rule != want {
		t.Errorf("with the group: %+v, want rule %q", d, want)
	}
	if d := e.MayAnywhereFor(Subject{Principal: "mcp:bot", Groups: []string{ops}}, "server.power"); d.Allowed {
		t.Errorf("mcp principal with a group: %+v", d)
	}
}

func TestExplainForGroups(t *testing.T) {
	e, _ := withPolicy(t, append(groupGrants, "g, discord:123, viewer")...)
	x := e.ExplainFor(Subject{Principal: member, Groups: []string{oncall, ops, careful}})
	if want := []string{"approver", "viewer"}; !slices.Equal(x.Roles, want) {
		t.Errorf("Roles = %v, want %v", x.Roles, want)
	}
	wantGroups := []GroupRoles{{Group: careful}, {Group: oncall, Roles: []string{"approver"}}, {Group: ops}}
	if !slices.EqualFunc(x.Groups, wantGroups, func(a, b GroupRoles) bool { return a.Group == b.Group && slices.Equal(a.Roles, b.Roles) }) {
		t.Errorf("Groups = %+v, want %+v", x.Groups, wantGroups)
	}
	wantGrant(t, x, Grant{Permission: "approval.grant", Object: "*", Via: "approver", Group: oncall, Rule: "p, approver, *, approval.grant"})
	wantGrant(t, x, Grant{Permission: "server.power", Object: "edis-fra/*", Group: ops, Rule: "p, " + ops + ", edis-fra/*, server.power"})
	// approval.read reaches the principal by itself (viewer) and the group
	// (approver): it is listed once, as the principal's own.
	wantGrant(t, x, Grant{Permission: "approval.read", Object: "*", Via: "viewer", Rule: "p, viewer, *, approval.read"})
	if !slices.ContainsFunc(x.Gates, func(g GateRule) bool { return g.Group == careful && g.Gate == GateConfirm }) {
		t.Errorf("the group's gate is missing from %+v", x.Gates)
	}
	if x := e.ExplainFor(Subject{Principal: member, Groups: []string{"admin"}}); len(x.Roles)+len(x.Grants)+len(x.Groups) != 0 {
		t.Errorf("malformed group explained: %+v", x)
	}
}

// TestGroupAnswersAreNotCachedAcrossSubjects: an answer cached for a
// principal with some groups never answers for the same principal with
// other groups, without them, or with a malformed group that a naive key
// would confuse with the set.
func TestGroupAnswersAreNotCachedAcrossSubjects(t *testing.T) {
	e, _ := withPolicy(t, groupGrants...)
	with := Subject{Principal: member, Groups: []string{oncall, ops}}
	if d := e.DecideFor(with, "approval.grant", "x/1"); !d.Allowed {
		t.Fatalf("with the group: %+v", d)
	}
	if g, _ := e.GateFor(Subject{Principal: member, Groups: []string{prod}}, "reboot", "x/1"); g != GateApproval {
		t.Fatalf("gate with the group: %q", g)
	}
	if d := e.MayAnywhereFor(with, "approval.grant"); !d.Allowed {
		t.Fatalf("anywhere with the group: %+v", d)
	}
	others := [][]string{
		nil,
		{ops},
		{oncall + "\n" + ops},
		{oncall + "," + ops},
		{oncall + ops},
		{"9:" + oncall, ops},
	}
	for _, groups := range others {
		sub := Subject{Principal: member, Groups: groups}
		if d := e.DecideFor(sub, "approval.grant", "x/1"); d.Allowed {
			t.Errorf("DecideFor(%q) = %+v: answered from another subject's cache", groups, d)
		}
		if d := e.MayAnywhereFor(sub, "approval.grant"); d.Allowed {
			t.Errorf("MayAnywhereFor(%q) = %+v: answered from another subject's cache", groups, d)
		}
	}
	if g, rule := e.GateFor(Subject{Principal: member}, "reboot", "x/1"); g != GateNone {
		t.Errorf("GateFor without the group = %q (%s): answered from another subject's cache", g, rule)
	}
	// The same set in another order, or with repeats, is the same question.
	if d := e.DecideFor(Subject{Principal: member, Groups: []string{ops, oncall, ops}}, "approval.grant", "x/1"); !d.Allowed {
		t.Errorf("same set reordered: %+v", d)
	}
}

func TestPolicyFileNamesGroups(t *testing.T) {
	for _, line := range []string{
		"g, discord-role:G1:R1, approver",
		"p, discord-role:G1:R1, *, server.read",
		"p2, discord-role:G1:*, *, delete, approval",
	} {
		withPolicy(t, line) // fails the test if refused
	}
}
