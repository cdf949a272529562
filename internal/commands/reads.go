package commands

import (
	"context"
	"io"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/policy"
	"github.com/vpsops/vpsops/internal/providers"
)

// What a command may use besides its arguments and its server: narrow
// views of the runner's parts, so a command reads the fleet, the policy
// and the stores but never moves a request through its gates or writes
// the audit trail itself (the runner does both, once, for every command).

// Fleet is the configured providers, read-only.
type Fleet interface {
	All() []*providers.Provider
	Get(name string) (*providers.Provider, bool)
	ListAll(ctx context.Context, only string) ([]providers.Located, []providers.Failure)
}

// ApprovalReader reads gated requests.
type ApprovalReader interface {
	Get(ctx context.Context, id string) (approval.Request, error)
	List(ctx context.Context, f approval.Filter) ([]approval.Request, error)
}

// AuditReader reads and checks the audit trail.
type AuditReader interface {
	Query(ctx context.Context, f audit.Filter) ([]audit.Record, error)
	Export(ctx context.Context, w io.Writer, f audit.Filter) (int, error)
	Verify(ctx context.Context) (audit.VerifyReport, error)
}

// Fleet is the configured providers.
func (inv *Invocation) Fleet() Fleet { return inv.runner.fleet }

// Approvals reads the gated requests.
func (inv *Invocation) Approvals() ApprovalReader { return inv.runner.approvals }

// Audit reads the audit trail.
func (inv *Invocation) Audit() AuditReader { return inv.runner.audit }

// Registry is the command declarations (for help).
func (inv *Invocation) Registry() *Registry { return inv.runner.reg }

// Now is the runner's clock.
func (inv *Invocation) Now() time.Time { return inv.runner.clock() }

// May asks the policy whether the invoking principal, with the request's
// groups, holds permission on object.
func (inv *Invocation) May(permission, object string) policy.Decision {
	return inv.runner.policy.DecideFor(inv.viewer().subject(), permission, object)
}

// Explain is what the policy grants the invoking principal and the
// request's groups.
func (inv *Invocation) Explain() policy.Explanation {
	return inv.runner.policy.ExplainFor(inv.viewer().subject())
}

// viewer is the invoking principal with the request's groups.
func (inv *Invocation) viewer() Viewer {
	v := Viewer{Principal: Principal(inv.Principal)}
	if inv.Request != nil {
		v.Groups = inv.Request.Groups
	}
	return v
}
