package shell

import (
	"fmt"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// Notify is the runner watcher's callback: it tells this session's user
// about their own requests decided elsewhere (another terminal, Slack),
// and about new requests they could approve.
func (s *Shell) Notify(n commands.Notice) {
	req := n.Request
	if n.Progress != nil {
		if req.Principal == s.Principal {
			s.progress(*n.Progress)
		}
		return
	}
	s.mu.Lock()
	if s.seen == nil {
		s.seen = map[string]approval.State{}
	}
	prev, known := s.seen[req.ID]
	if known && prev == req.State && n.Result == nil {
		s.mu.Unlock()
		return
	}
	s.seen[req.ID] = req.State
	s.mu.Unlock()

	mine := req.Principal == s.Principal
	if mine && n.Result == nil && n.Err == nil && req.Executor == s.Runner.Instance() &&
		(req.State == approval.Executing || req.State == approval.Succeeded || req.State == approval.Failed) {
		return // this session confirmed it and is showing the result itself
	}
	switch {
	case n.Result != nil || n.Err != nil:
		if !mine {
			return
		}
		s.printf("\n[%s] %s was approved by %s and ran in this session:\n", req.ID, describe(req), req.DecidedBy)
		if n.Err != nil {
			s.printf("%s", commands.PlainError(n.Err))
		}
		if n.Result != nil && (n.Err == nil || len(n.Result.Secret) > 0) {
			s.printf("%s", commands.Plain(*n.Result, true))
		}
	case mine:
		s.printf("\n[%s] %s\n", req.ID, outcomeLine(req))
	case req.State == approval.Pending && s.Runner.CanApprove(s.Principal, req):
		s.printf("\n[%s] %s asks to %s (%s). `approve %s` or `deny %s [reason]`.\n",
			req.ID, req.Principal, describe(req), req.Reason, req.ID, req.ID)
	default:
		return
	}
	s.prompt()
}

func describe(req approval.Request) string { return req.Command + " " + req.Target }

// outcomeLine words a change of one of the user's own requests.
func outcomeLine(req approval.Request) string {
	by := ""
	if req.DecidedBy != "" && req.DecidedBy != req.Principal {
		by = " by " + req.DecidedBy
	}
	approved := "approved" + by
	if !req.NeedsApproval {
		approved = "confirmed"
	}
	switch req.State {
	case approval.Pending:
		return fmt.Sprintf("%s is waiting for approval", describe(req))
	case approval.Approved:
		return fmt.Sprintf("%s was %s", describe(req), approved)
	case approval.Executing:
		return fmt.Sprintf("%s was %s and is running", describe(req), approved)
	case approval.Succeeded:
		return fmt.Sprintf("%s was %s and succeeded: %s", describe(req), approved, req.Outcome)
	case approval.Failed:
		return fmt.Sprintf("%s was %s but failed: %s", describe(req), approved, req.Error)
	case approval.Denied:
		note := ""
		if req.DecisionNote != "" {
			note = ": " + req.DecisionNote
		}
		return fmt.Sprintf("%s was denied%s%s", describe(req), by, note)
	case approval.Expired:
		if req.DecidedBy != "" && req.DecidedBy != req.Principal {
			return fmt.Sprintf("%s was approved%s but never ran: the session holding its secret arguments ended; nothing was done", describe(req), by)
		}
		return fmt.Sprintf("%s expired before anyone decided; nothing was done", describe(req))
	case approval.Interrupted:
		return fmt.Sprintf("%s was interrupted when the process running it stopped; it will not be re-run — check `status %s`", describe(req), req.Target)
	case approval.Cancelled:
		return fmt.Sprintf("%s was cancelled", describe(req))
	}
	return fmt.Sprintf("%s is now %s", describe(req), req.State)
}
