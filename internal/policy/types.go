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

// Decision is the answer to "may principal do permission on object".
type Decision struct {
	Allowed bool
	// Rule is the policy line that decided, as written in policy.csv
	// ("p, operator, demo-*/*, server.power"), or "default deny".
	Rule string
}

// Grant is one permission a principal holds, with the rule that grants it.
type Grant struct {
	Permission string
	Object     string // glob over "provider/id", "*" for all
	Via        string // role it comes through ("" when granted directly)
	Rule       string
}

// Explanation says what a principal may do, for whoami.
type Explanation struct {
	Principal  string
	Roles      []string // direct and inherited, sorted
	Grants     []Grant
	Gates      []GateRule // approval rules that apply to this principal
	Generation uint64     // policy generation this explanation describes
}

// GateRule is one policy line that asks for a gate.
type GateRule struct {
	Command string // command name glob, e.g. "reinstall" or "*"
	Object  string
	Gate    Gate
	Rule    string
}
