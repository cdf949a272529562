package commands

import (
	"context"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/policy"
)

// Groups: a request may act with policy subjects beyond its principal, such
// as the Discord roles ("discord-role:<guild>:<role>") the member holds in
// the signed interaction. Every decision made for the request's principal
// (authorization, gates, reads, approving, what is offered and shown) is
// made for the principal and its groups together; the one check that
// stays the principal's alone is that nobody decides their own request: a
// group never makes anyone someone else. What a group looks like, and that
// it belongs to the principal's platform, is policy.ValidSubject's rule.

// Viewer is who looks at or acts on something: a principal and the groups
// it holds in the same signed payload. Viewer{Principal: p} is p by
// itself.
type Viewer struct {
	Principal Principal
	Groups    []string
}

// Viewer is the requester of q as a viewer.
func (q *Request) Viewer() Viewer { return Viewer{Principal: q.Principal, Groups: q.Groups} }

func (v Viewer) subject() policy.Subject {
	return policy.Subject{Principal: string(v.Principal), Groups: v.Groups}
}

func (q *Request) subject() policy.Subject { return q.Viewer().subject() }

// checkGroups refuses, on the record, a request whose groups are
// malformed, belong to another platform, or come with an MCP client: an
// adapter bug that must never widen anyone's rights.
func (r *Runner) checkGroups(ctx context.Context, q *Request, rec audit.Record) error {
	if len(q.Groups) == 0 {
		return nil
	}
	var err error
	switch {
	case q.mcp():
		err = fault.Errorf(fault.Invalid, "MCP clients never act with groups; the request was refused")
	default:
		if verr := policy.ValidSubject(q.subject()); verr != nil {
			err = fault.Errorf(fault.Invalid, "the request was refused: %v", verr)
		}
	}
	if err != nil {
		return r.refuse(ctx, q, rec, audit.StageRejected, err)
	}
	return nil
}

// recordedGroups are the groups an audit record of q names: the ones
// presented, once they are known to be well formed (a refused set is
// named by the refusal's error instead).
func (q *Request) recordedGroups() []string {
	if len(q.Groups) == 0 || q.mcp() || policy.ValidSubject(q.subject()) != nil {
		return nil
	}
	return q.Groups
}
