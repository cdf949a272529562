package commands

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
)

var requestArg = Arg{Name: "id", Kind: KindRequestID, Required: true, Positional: true, Help: "request id, like r-7kq2m9xw"}

func approvalsCmd() *Command {
	return &Command{
		Name: "approvals", Summary: "List open confirmation and approval requests (yours, and those you may see)", Tool: "list_approvals",
		Permission: "", Risk: Read, Idempotent: true,
		Args:   []Arg{{Name: "state", Kind: KindEnum, Enum: []string{"open", "confirming", "pending", "all"}, Positional: true, Help: "open (default), only confirming or pending (the STATE column), or all of the last 7 days"}},
		Output: reflect.TypeFor[ApprovalList](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			// One more than shown, to know whether the list was cut.
			f := approval.Filter{States: []approval.State{approval.Confirming, approval.Pending, approval.Approved, approval.Executing}, Limit: maxApprovals + 1}
			more := "the oldest are left out; `approval <id>` shows any one"
			switch st := inv.Args.String("state"); st {
			case "all":
				f = approval.Filter{Since: inv.Now().Add(-7 * 24 * time.Hour), Limit: maxApprovals + 1}
				more = "`approvals open` lists only those still open"
			case "confirming", "pending":
				f.States = []approval.State{approval.State(st)}
			}
			reqs, err := inv.Approvals().List(ctx, f)
			if err != nil {
				return Result{}, storeError(err)
			}
			var visible []approval.Request
			for _, q := range reqs {
				if inv.maySee(q) {
					visible = append(visible, q)
				}
			}
			visible, size := capped(visible, maxApprovals, len(reqs) > maxApprovals)
			t := &Table{Columns: []string{"ID", "STATE", "ACTION", "REQUESTER", "EXPIRES"}, Size: size}
			data := ApprovalList{Requests: []RequestView{}, Size: size}
			for _, q := range visible {
				t.Rows = append(t.Rows, []string{q.ID, string(q.State), describe(q), q.Principal, expiry(q)})
				data.Requests = append(data.Requests, inv.runner.ViewFor(q, inv.viewer()))
			}
			if size.Truncated {
				t.More = more
			}
			res := Result{Title: count(len(t.Rows), "request"), Table: t, Data: data}
			if len(t.Rows) == 0 {
				res.Table, res.Text = nil, "Nothing waiting."
				if size.Truncated {
					res.Text = fmt.Sprintf("None you may see among the newest %d.", maxApprovals)
				}
			}
			return res, nil
		},
	}
}

// maxApprovals caps the approvals list.
const maxApprovals = 200

func approvalCmd() *Command {
	return &Command{
		Name: "approval", Summary: "Show one request and its outcome", Tool: "get_approval",
		Risk: Read, Idempotent: true, Args: []Arg{requestArg}, Output: reflect.TypeFor[RequestView](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			q, err := inv.Approvals().Get(ctx, inv.Args.String("id"))
			if err != nil || !inv.maySee(q) {
				// Same answer for "absent" and "not yours": ids are not an oracle.
				return Result{}, inv.runner.decisionError(ctx, inv.Request, "show", inv.Args.String("id"), approval.ErrNotFound)
			}
			v := inv.runner.ViewFor(q, inv.viewer())
			return Result{Title: v.Title, Text: v.Summary, Fields: v.Fields, Data: v}, nil
		},
	}
}

func expiry(q approval.Request) string {
	if q.State != approval.Confirming && q.State != approval.Pending {
		return ""
	}
	return ShowTime(q.ExpiresAt)
}

func (inv *Invocation) maySee(q approval.Request) bool {
	return inv.runner.maySee(inv.viewer(), q)
}

func approveCmd() *Command {
	return &Command{
		Name: "approve", Summary: "Approve someone else's request (it then runs)", internal: true, Risk: Change,
		Args: []Arg{requestArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.runner.Decide(ctx, *inv.Request, inv.Args.String("id"), true, "")
		},
	}
}

func denyCmd() *Command {
	return &Command{
		Name: "deny", Summary: "Deny someone else's request", internal: true, Risk: Change,
		Args: []Arg{requestArg, {Name: "reason", Kind: KindText, Positional: true, Help: "why (shown to the requester)"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.runner.Decide(ctx, *inv.Request, inv.Args.String("id"), false, inv.Args.String("reason"))
		},
	}
}

func confirmCmd() *Command {
	return &Command{
		Name: "confirm", Summary: "Confirm your own pending action", internal: true, Risk: Change,
		Args: []Arg{requestArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.runner.Confirm(ctx, *inv.Request, inv.Args.String("id"))
		},
	}
}

func cancelCmd() *Command {
	return &Command{
		Name: "cancel", Summary: "Cancel your own pending action", internal: true, Risk: Change,
		Args: []Arg{requestArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.runner.Cancel(ctx, *inv.Request, inv.Args.String("id"))
		},
	}
}

// CanApprove is CanApproveFor a principal by itself.
func (r *Runner) CanApprove(principal Principal, req approval.Request) bool {
	return r.CanApproveFor(Viewer{Principal: principal}, req)
}

// CanApproveFor reports whether v could approve req: not their own (a
// group never makes anyone someone else), not an MCP client, and
// approval.grant on its target for the principal or one of its groups.
func (r *Runner) CanApproveFor(v Viewer, req approval.Request) bool {
	return !v.Principal.SamePerson(Principal(req.Principal)) && !v.Principal.MCP() &&
		r.policy.DecideFor(v.subject(), "approval.grant", req.Target).Allowed
}

// Waiting is WaitingFor a principal by itself.
func (r *Runner) Waiting(ctx context.Context, principal Principal) ([]RequestView, error) {
	return r.WaitingFor(ctx, Viewer{Principal: principal})
}

// WaitingFor lists the open requests that wait for v: their own still to
// confirm, and others' they could approve. Adapters show it when a
// session starts, so nothing waits unseen.
func (r *Runner) WaitingFor(ctx context.Context, v Viewer) ([]RequestView, error) {
	reqs, err := r.approvals.List(ctx, approval.Filter{States: []approval.State{approval.Confirming, approval.Pending}, Limit: 100})
	if err != nil {
		return nil, err
	}
	var out []RequestView
	for _, q := range reqs {
		switch {
		case q.State == approval.Confirming && q.Principal == string(v.Principal):
		case q.State == approval.Pending && r.CanApproveFor(v, q):
		default:
			continue
		}
		out = append(out, r.ViewFor(q, v))
	}
	return out, nil
}
