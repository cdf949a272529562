// Package policy decides who may do what to which server, with Casbin.
package policy

// Gate is what must happen before an allowed action runs.
type Gate string

const (
	GateNone     Gate = ""         // run at once
	GateConfirm  Gate = "confirm"  // the requester confirms the exact action
	GateApproval Gate = "approval" // another person with approval.grant approves
)

// Stricter returns the stricter of two gates.
func Stricter(a, b Gate) Gate {
	rank := map[Gate]int{GateNone: 0, GateConfirm: 1, GateApproval: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// Subject is who a question is about: a principal and the groups it acts
// with in one request, taken from the same signed payload as the principal
// (see ValidSubject). The answer is the union: allowed when the principal
// or any group is allowed, since the model is allow-only; a gate is the
// strictest any of them meets.
type Subject struct {
	Principal string
	Groups    []string
}

// Decision is the answer to "may principal do permission on object".
type Decision struct {
	Allowed bool
	// Rule is the policy line that decided, as written in policy.csv
	// ("p, operator, demo-*/*, server.power"), or "default deny". A line
	// that matched a group rather than the principal names it: "p,
	// approver, *, approval.grant (via discord-role:G1:R9)".
	Rule string
}

// Grant is one permission a principal holds, with the rule that grants it.
type Grant struct {
	Permission string
	Object     string // glob over "provider/id", "*" for all
	Via        string // role it comes through ("" when granted directly)
	Group      string // the group it comes through ("" when the principal's own)
	Rule       string
}

// Explanation says what a principal may do, for whoami.
type Explanation struct {
	Principal  string
	Roles      []string // direct and inherited, the groups' too, sorted
	Groups     []GroupRoles
	Grants     []Grant
	Gates      []GateRule // approval rules that apply to this principal
	Generation uint64     // policy generation this explanation describes
}

// GroupRoles is one group a principal acts with and the roles it brings.
type GroupRoles struct {
	Group string
	Roles []string // sorted; none when the policy grants the group nothing by role
}

// GateRule is one policy line that asks for a gate.
type GateRule struct {
	Command string // command name glob, e.g. "reinstall" or "*"
	Object  string
	Gate    Gate
	Group   string // the group it applies through ("" when the principal's own)
	Rule    string
}
