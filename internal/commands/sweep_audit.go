package commands

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
)

// missedSweepWindow is how far back auditMissedSweeps looks: a sweeper
// that died is replaced within seconds, so a day covers every outage
// worth the name without reading the whole history at each takeover.
const missedSweepWindow = 24 * time.Hour

// auditMissedSweeps appends the audit records a sweeper left out: it
// commits a request's move to expired or interrupted, then appends the
// record, so one that died in between (SIGKILL, a lost node) leaves the
// request ended and the trail silent. The replica that starts sweeping
// next, at its start or when it takes the sweeper duty over, finds such
// requests and records them. The claim makes one replica do it even when
// several start at once; the trail is read again under it.
func (r *Runner) auditMissedSweeps(ctx context.Context) {
	since := r.clock().Add(-missedSweepWindow)
	reqs, err := r.approvals.List(ctx, approval.Filter{States: []approval.State{approval.Expired, approval.Interrupted}, Since: since})
	if err != nil {
		r.log.Warn("looking for unaudited expired or interrupted requests failed", "err", err)
		return
	}
	for _, req := range reqs {
		stage, msg := audit.StageExpired, ""
		if req.State == approval.Interrupted {
			stage, msg = audit.StageInterrupted, "the process running it stopped; it will not be run again"
		}
		if r.audited(ctx, req.ID, stage) {
			continue
		}
		won, err := r.approvals.ClaimPost(ctx, req.ID, "audit/"+string(stage), r.approvals.Instance(), time.Minute)
		if err != nil || !won || r.audited(ctx, req.ID, stage) {
			continue
		}
		r.log.Warn("recording what a sweeper that stopped left unaudited", "request", req.ID, "stage", string(stage))
		r.recordFor(ctx, req, stage, msg)
	}
}

// audited reports whether the trail holds a stage record of request id;
// when it cannot tell, it says yes (a record is missed again rather than
// written twice).
func (r *Runner) audited(ctx context.Context, id string, stage audit.Stage) bool {
	recs, err := r.audit.Query(ctx, audit.Filter{ApprovalID: id, Limit: audit.MaxQueryLimit})
	if err != nil {
		return true
	}
	for _, rec := range recs {
		if rec.Stage == stage {
			return true
		}
	}
	return false
}
