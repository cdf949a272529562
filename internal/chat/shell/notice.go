package shell

import (
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// Notify is the runner watcher's callback: it tells this session's user
// about their own requests decided elsewhere (another terminal, Slack),
// and about new requests they could approve. The words are the request
// view's: the shell only picks which notices to show.
func (s *Shell) Notify(n commands.Notice) {
	mine := n.Requester == s.Principal
	if n.Event == approval.EventProgress {
		// A run in this process shows its requester its progress itself:
		// the session that ran it prints it as it happens.
		if mine && n.Progress != nil && !n.RanHere() {
			s.progress(*n.Progress)
		}
		return
	}
	s.mu.Lock()
	if s.seen == nil {
		s.seen = map[string]approval.State{}
	}
	prev, known := s.seen[n.ID]
	if known && prev == n.State && n.Result == nil {
		s.mu.Unlock()
		return
	}
	s.seen[n.ID] = n.State
	s.mu.Unlock()

	if mine && n.Result == nil && n.Err == nil && n.RanHere() &&
		(n.State == approval.Executing || n.State == approval.Succeeded || n.State == approval.Failed) {
		return // this session confirmed it and is showing the result itself
	}
	v := n.View(commands.Principal(s.Principal))
	switch {
	case n.Result != nil || n.Err != nil:
		if !mine {
			return
		}
		s.printf("\n[%s] %s; it ran in this session:\n", v.ID, v.Summary)
		if n.Err != nil {
			s.printf("%s", commands.PlainError(n.Err))
		}
		if n.Result != nil && (n.Err == nil || len(n.Result.Secret) > 0) {
			s.printf("%s", commands.Plain(*n.Result, true))
		}
	case mine, v.State == approval.Pending && len(v.Actions) > 0:
		s.printf("\n[%s] %s\n", v.ID, v.Summary)
	default:
		return
	}
	s.prompt()
}
