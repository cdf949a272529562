package commands

import (
	"context"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
)

// What adapters ask the runner besides running commands: which commands
// to offer a principal, and how to put on the record a request they turned
// away before it could reach the runner (a tool disabled by a flag, a bad
// bearer token), so that every refusal is audited in one way.

// Offered is OfferedTo a principal by itself.
func (r *Runner) Offered(principal Principal, cmd *Command) bool {
	return r.OfferedTo(Viewer{Principal: principal}, cmd)
}

// OfferedTo reports whether v (its principal or a group) holds the
// command's permission on at least one server, or the command needs none:
// what an adapter lists (MCP tools/list, Discord autocomplete). It is a
// view, not the check: the runner decides again on every call.
func (r *Runner) OfferedTo(v Viewer, cmd *Command) bool {
	return cmd.Permission == "" || r.policy.MayAnywhereFor(v.subject(), cmd.Permission).Allowed
}

// PolicyGeneration grows each time the policy is reloaded, so an adapter
// can tell when what it offers may have changed.
func (r *Runner) PolicyGeneration() uint64 { return r.policy.Generation() }

// Refused audits a request an adapter turned away (q says who and what;
// q.Command may name no known command) and returns err, the one-line
// answer to give.
func (r *Runner) Refused(ctx context.Context, q Request, err error) error {
	return r.refuse(ctx, &q, audit.Record{Command: q.Command}, audit.StageRejected, err)
}

// Lookup is LookupFor a principal by itself.
func (r *Runner) Lookup(ctx context.Context, id string, viewer Principal) (RequestView, error) {
	return r.LookupFor(ctx, id, Viewer{Principal: viewer})
}

// LookupFor is request id as v sees it: the requester always, others with
// approval.read or approval.grant on its server (through a group too).
// Absent and hidden are the same not-found answer, so ids are no oracle.
func (r *Runner) LookupFor(ctx context.Context, id string, v Viewer) (RequestView, error) {
	req, err := r.approvals.Get(ctx, id)
	if err == nil && r.maySee(v, req) {
		return r.ViewFor(req, v), nil
	}
	return RequestView{}, noSuchRequest(id)
}

// maySee: requesters always see their own requests; others need
// approval.read or approval.grant on the request's server.
func (r *Runner) maySee(v Viewer, req approval.Request) bool {
	return req.Principal == string(v.Principal) ||
		r.policy.DecideFor(v.subject(), "approval.read", req.Target).Allowed ||
		r.policy.DecideFor(v.subject(), "approval.grant", req.Target).Allowed
}

// noSuchRequest is the one answer for an id that is absent or that the
// asker may not see, so ids are no oracle.
func noSuchRequest(id string) error {
	return fault.Errorf(fault.NotFound, "no request %s; `approvals` lists the open ones", id)
}
