package commands

import (
	"time"

	"github.com/vpsops/vpsops/internal/approval"
)

// The Data of approvals and approval.

// ApprovalList is the Data of approvals.
type ApprovalList struct {
	Requests []ApprovalView `json:"requests" desc:"the requests you may see, newest first"`
	Size
}

// ApprovalView is one confirmation or approval request, the Data of
// approval.
type ApprovalView struct {
	ID         string    `json:"id" desc:"request id, as approval, confirm, approve and the others take it"`
	State      string    `json:"state" desc:"confirming, pending (an approver), approved, executing, succeeded, failed, interrupted, denied, expired or cancelled"`
	Action     string    `json:"action" desc:"the gated command and its arguments, secrets hidden"`
	Command    string    `json:"command" desc:"the gated command's name"`
	Target     string    `json:"target,omitempty" desc:"the server as provider/id"`
	Requester  string    `json:"requester" desc:"the principal who asked"`
	Source     string    `json:"source" desc:"where it was asked: shell, slack, discord or mcp"`
	Reason     string    `json:"reason,omitempty" desc:"why the gate applies (the policy rule)"`
	CreatedAt  time.Time `json:"created_at" desc:"when it was asked"`
	ExpiresAt  time.Time `json:"expires_at" desc:"when it expires unless decided"`
	DecidedBy  string    `json:"decided_by,omitempty" desc:"who confirmed, approved, denied or cancelled it"`
	Note       string    `json:"note,omitempty" desc:"the reason given with a denial"`
	Outcome    string    `json:"outcome,omitempty" desc:"one line on how the run went"`
	ErrorClass string    `json:"error_class,omitempty" desc:"the kind of error, when it failed"`
	Error      string    `json:"error,omitempty" desc:"what went wrong, when it failed"`
}

func viewOf(q approval.Request) ApprovalView {
	return ApprovalView{ID: q.ID, State: string(q.State), Action: describe(q), Command: q.Command, Target: q.Target,
		Requester: q.Principal, Source: q.Source, Reason: q.Reason, CreatedAt: q.CreatedAt, ExpiresAt: q.ExpiresAt,
		DecidedBy: q.DecidedBy, Note: q.DecisionNote, Outcome: q.Outcome, ErrorClass: q.ErrorClass, Error: q.Error}
}
