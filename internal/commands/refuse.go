package commands

import (
	"context"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
)

// refuse puts a refused request on the record and returns err, so that
// every refusal, whatever refused it, is audited the same way: rec (what
// was asked) at stage (rejected for the input or a lost race, denied by
// the policy or a gate rule) with err's class and its safe one-line text.
func (r *Runner) refuse(ctx context.Context, q *Request, rec audit.Record, stage audit.Stage, err error) error {
	rec.Stage = stage
	if stage == audit.StageDenied {
		rec.Decision = "deny"
	}
	rec.ErrorClass, rec.Error = string(fault.ClassOf(err)), safeMessage(err)
	r.record(ctx, q, rec)
	return err
}
