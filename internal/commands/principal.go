package commands

import "strings"

// Principal names who asks: "slack:T01:U02", "discord:1234",
// "mcp:claude-laptop", "shell:alice". Adapters set it from the platform's
// verified identity (a signed payload, a bearer token, the OS user), never
// from anything the user typed.
type Principal string

// Kind is the part before the first colon: "slack", "discord", "mcp",
// "shell".
func (p Principal) Kind() string { k, _, _ := strings.Cut(string(p), ":"); return k }

// MCP reports whether p is an MCP client. Such a principal is an AI
// assistant's: it never approves, and its destructive requests always
// need a human approver. This is the one place that decides it.
func (p Principal) MCP() bool { return p.Kind() == "mcp" }

// Approvers is the viewer an approvals channel is rendered for: whoever
// reads it and may approve. Its view of a request that waits for an
// approver offers approve and deny; each press is still decided against
// the person who pressed (Runner.Decide), never against this viewer. It
// is not a principal anyone can be: no adapter makes it from a platform
// identity, and the policy grants it nothing.
const Approvers Principal = "approvers:"

// Person is who p is as a person, for the one check where two principals
// must not be the same person: nobody approves their own request. Slack
// user ids are unique across workspaces (and across an Enterprise Grid
// organisation), while the team part of a Slack principal depends on
// where a payload came from; so "slack:T1:U2" and "slack:T3:U2" are one
// person. Every other principal is its own person.
func (p Principal) Person() string {
	if p.Kind() == "slack" {
		if i := strings.LastIndexByte(string(p), ':'); i > len("slack") {
			return "slack:" + string(p)[i+1:]
		}
	}
	return string(p)
}

// SamePerson reports whether p and o are one person (see Person).
func (p Principal) SamePerson(o Principal) bool { return p.Person() == o.Person() }
