package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
)

var requestArg = Arg{Name: "id", Kind: KindRequestID, Required: true, Positional: true, Help: "request id, like r-7kq2m9xw"}

func approvalsCmd() *Command {
	return &Command{
		Name: "approvals", Summary: "List open confirmation and approval requests (yours, and those you may see)", Tool: "list_approvals",
		Permission: "", Risk: Read, Idempotent: true,
		Args: []Arg{{Name: "state", Kind: KindEnum, Enum: []string{"open", "confirming", "pending", "all"}, Positional: true, Help: "open (default), only confirming or pending (the STATE column), or all of the last 7 days"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			f := approval.Filter{States: []approval.State{approval.Confirming, approval.Pending, approval.Approved, approval.Executing}, Limit: 200}
			switch st := inv.Args.String("state"); st {
			case "all":
				f = approval.Filter{Since: inv.Runner.clock().Add(-7 * 24 * time.Hour), Limit: 200}
			case "confirming", "pending":
				f.States = []approval.State{approval.State(st)}
			}
			reqs, err := inv.Runner.approvals.List(ctx, f)
			if err != nil {
				return Result{}, storeError(err)
			}
			t := &Table{Columns: []string{"ID", "STATE", "ACTION", "REQUESTER", "EXPIRES"}}
			var data []approvalView
			for _, q := range reqs {
				if !inv.Runner.maySeeRequest(inv.Principal, q) {
					continue
				}
				t.Rows = append(t.Rows, []string{q.ID, string(q.State), describe(q), q.Principal, expiry(q)})
				data = append(data, viewOf(q))
			}
			res := Result{Title: count(len(t.Rows), "request"), Table: t, Data: map[string]any{"requests": nonNil(data)}}
			if len(t.Rows) == 0 {
				res.Table, res.Text = nil, "Nothing waiting."
			}
			return res, nil
		},
	}
}

func approvalCmd() *Command {
	return &Command{
		Name: "approval", Summary: "Show one request and its outcome", Tool: "get_approval",
		Risk: Read, Idempotent: true, Args: []Arg{requestArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			q, err := inv.Runner.approvals.Get(ctx, inv.Args.String("id"))
			if err != nil || !inv.Runner.maySeeRequest(inv.Principal, q) {
				// Same answer for "absent" and "not yours": ids are not an oracle.
				return Result{}, inv.Runner.decisionError(ctx, inv.Request, "show", inv.Args.String("id"), approval.ErrNotFound)
			}
			v := viewOf(q)
			res := Result{Title: fmt.Sprintf("Request %s: %s", q.ID, q.State), Text: describe(q), Data: v}
			add := func(n, val string) {
				if val != "" {
					res.Fields = append(res.Fields, Field{Name: n, Value: val})
				}
			}
			add("Requester", q.Principal+" via "+q.Source)
			add("Why gated", q.Reason)
			add("Asked", q.CreatedAt.UTC().Format(time.RFC3339))
			add("Expires", expiry(q))
			if q.DecidedBy != "" && q.DecidedBy != q.Principal {
				add("Decided by", q.DecidedBy)
			}
			if q.NeedsConfirm && q.State != approval.Confirming && q.State != approval.Cancelled && q.State != approval.Expired {
				add("Confirmed", "by the requester")
			}
			add("Note", q.DecisionNote)
			add("Outcome", q.Outcome)
			if q.Error != "" {
				add("Error", q.ErrorClass+": "+q.Error)
			}
			return res, nil
		},
	}
}

// approvalView is the structured form of a request for MCP.
type approvalView struct {
	ID        string    `json:"id"`
	State     string    `json:"state"`
	Action    string    `json:"action"`
	Requester string    `json:"requester"`
	Source    string    `json:"source"`
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	DecidedBy string    `json:"decided_by,omitempty"`
	Note      string    `json:"note,omitempty"`
	Outcome   string    `json:"outcome,omitempty"`
	Error     string    `json:"error,omitempty"`
}

func viewOf(q approval.Request) approvalView {
	return approvalView{ID: q.ID, State: string(q.State), Action: describe(q), Requester: q.Principal, Source: q.Source,
		Reason: q.Reason, CreatedAt: q.CreatedAt, ExpiresAt: q.ExpiresAt, DecidedBy: q.DecidedBy, Note: q.DecisionNote,
		Outcome: q.Outcome, Error: q.Error}
}

func expiry(q approval.Request) string {
	if q.State != approval.Confirming && q.State != approval.Pending {
		return ""
	}
	return q.ExpiresAt.UTC().Format("15:04 UTC")
}

// maySeeRequest: requesters always see their own; others need approval.read
// (or approval.grant) on the target.
func (r *Runner) maySeeRequest(principal string, q approval.Request) bool {
	return q.Principal == principal ||
		r.policy.Decide(principal, "approval.read", q.Target).Allowed ||
		r.policy.Decide(principal, "approval.grant", q.Target).Allowed
}

func approveCmd() *Command {
	return &Command{
		Name: "approve", Summary: "Approve someone else's request (it then runs)", internal: true, Risk: Change,
		Args: []Arg{requestArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.Runner.Decide(ctx, *inv.Request, inv.Args.String("id"), true, "")
		},
	}
}

func denyCmd() *Command {
	return &Command{
		Name: "deny", Summary: "Deny someone else's request", internal: true, Risk: Change,
		Args: []Arg{requestArg, {Name: "reason", Kind: KindText, Positional: true, Help: "why (shown to the requester)"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.Runner.Decide(ctx, *inv.Request, inv.Args.String("id"), false, inv.Args.String("reason"))
		},
	}
}

func confirmCmd() *Command {
	return &Command{
		Name: "confirm", Summary: "Confirm your own pending action", internal: true, Risk: Change,
		Args: []Arg{requestArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.Runner.Confirm(ctx, *inv.Request, inv.Args.String("id"))
		},
	}
}

func cancelCmd() *Command {
	return &Command{
		Name: "cancel", Summary: "Cancel your own pending action", internal: true, Risk: Change,
		Args: []Arg{requestArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			return inv.Runner.Cancel(ctx, *inv.Request, inv.Args.String("id"))
		},
	}
}

// CanApprove reports whether principal could approve req: not their own,
// not an MCP client, and approval.grant on its target.
func (r *Runner) CanApprove(principal string, req approval.Request) bool {
	return req.Principal != principal && !strings.HasPrefix(principal, "mcp:") &&
		r.policy.Decide(principal, "approval.grant", req.Target).Allowed
}

// Waiting lists the open requests that wait for principal: their own still
// to confirm, and others' they could approve. Adapters show it when a
// session starts, so nothing waits unseen.
func (r *Runner) Waiting(ctx context.Context, principal string) ([]approval.Request, error) {
	reqs, err := r.approvals.List(ctx, approval.Filter{States: []approval.State{approval.Confirming, approval.Pending}, Limit: 100})
	if err != nil {
		return nil, err
	}
	var out []approval.Request
	for _, q := range reqs {
		switch {
		case q.State == approval.Confirming && q.Principal == principal:
		case q.State == approval.Pending && r.CanApprove(principal, q):
		default:
			continue
		}
		out = append(out, q)
	}
	return out, nil
}
