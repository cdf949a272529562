package commands

import (
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
)

// Observer is told how commands end and which transitions of gated
// requests this process makes: what metrics count. Transitions another
// process made reach this one through the feed and are never reported
// here, so replicas sharing a database do not count one change twice.
// Calls come from the goroutines running commands and the watcher; they
// must be quick and safe for concurrent use.
type Observer interface {
	// CommandFinished: command (a registry name, or "unknown") ended with
	// outcome, one of the Outcome constants.
	CommandFinished(command, outcome string)
	// GateTransition: this process moved a gated request (an
	// approval.Event: created, confirmed, approved, denied, cancelled,
	// executing, finished, expired, interrupted).
	GateTransition(event string)
}

// How a command ended, as CommandFinished reports it. A gated command
// ends once at its gate (needs_confirm, needs_approval) and once more when
// it runs; confirm, cancel, approve and deny end ok when they moved the
// request.
const (
	OutcomeOK            = "ok"
	OutcomeError         = "error"
	OutcomeInterrupted   = "interrupted"
	OutcomeRejected      = "rejected"
	OutcomeDenied        = "denied"
	OutcomeNeedsConfirm  = "needs_confirm"
	OutcomeNeedsApproval = "needs_approval"
)

// UnknownCommand is the command label of a request that named no command
// of the registry: labels never carry what a user typed.
const UnknownCommand = "unknown"

// finished reports that command ended with outcome.
func (r *Runner) finished(command, outcome string) {
	if r.observer == nil {
		return
	}
	if r.reg.Lookup(command) == nil {
		command = UnknownCommand
	}
	r.observer.CommandFinished(command, outcome)
}

// moved reports n transitions ev this process made.
func (r *Runner) moved(ev approval.Event, n int) {
	if r.observer == nil {
		return
	}
	for range n {
		r.observer.GateTransition(string(ev))
	}
}

// observe reports the ending an audit record states, if it states one:
// every refusal, execution and decision is audited through record, so
// counting there misses none. The stops at a gate are reported where the
// request is stored (hold, Confirm), which knows whether it stands.
func (r *Runner) observe(rec audit.Record) {
	if r.observer == nil {
		return
	}
	switch rec.Stage {
	case audit.StageRejected:
		r.finished(rec.Command, OutcomeRejected)
	case audit.StageDenied:
		r.finished(rec.Command, OutcomeDenied)
	case audit.StageExecuted:
		if rec.Outcome == audit.OutcomeOK {
			r.finished(rec.Command, OutcomeOK)
		} else {
			r.finished(rec.Command, OutcomeError)
		}
	case audit.StageInterrupted:
		r.finished(rec.Command, OutcomeInterrupted)
	case audit.StageConfirmed:
		r.finished("confirm", OutcomeOK)
	case audit.StageApproved:
		r.finished("approve", OutcomeOK)
	case audit.StageApprovalDenied:
		r.finished("deny", OutcomeOK)
	case audit.StageCancelled:
		if rec.Decision == "cancel" { // the requester's; not a session's withdrawal
			r.finished("cancel", OutcomeOK)
		}
	}
}
