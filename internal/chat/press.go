package chat

import (
	"context"
	"strconv"
	"strings"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

func (cv *Conversations) press(ctx context.Context, p Press) {
	switch p.Button.Action {
	case ActionPage:
		cv.page(ctx, p)
	case string(commands.ActionConfirm), string(commands.ActionCancel):
		cv.confirmOrCancel(ctx, p)
	case string(commands.ActionApprove), string(commands.ActionDeny):
		cv.decide(ctx, p)
	default:
		cv.try(p.Reply.Ephemeral(ctx, Reply{Err: fault.Errorf(fault.Invalid, "unknown button")}), "answer a press")
	}
}

// confirmOrCancel is the requester's answer to their own confirm prompt
// (or withdrawing a request that waits for an approver). Anyone else's
// press is refused by the runner, audited, and answered to them alone;
// the prompt stays as it was for its requester.
func (cv *Conversations) confirmOrCancel(ctx context.Context, p Press) {
	id := p.Button.Arg
	q := cv.request(p.Principal, p.Groups, p.ReplyTo)
	var prog *progressMessage
	confirm := p.Button.Action == string(commands.ActionConfirm)
	if confirm {
		if v, err := cv.runner.LookupFor(ctx, id, commands.Viewer{Principal: p.Principal, Groups: p.Groups}); err == nil {
			prog = cv.newProgress(ctx, p.Reply, v.Command+" "+v.Target.String(), p.Principal)
			q.Progress = prog.step
		}
	}
	var (
		res commands.Result
		err error
	)
	if confirm {
		res, err = cv.runner.Confirm(ctx, q, id)
	} else {
		res, err = cv.runner.Cancel(ctx, q, id)
	}
	posted := prog.done()
	switch {
	case err != nil && (fault.ClassOf(err) == fault.PermissionDenied || fault.ClassOf(err) == fault.NotFound ||
		fault.ClassOf(err) == fault.Conflict):
		// Not theirs, gone, or decided already (a double click, whose
		// first click is replacing the prompt with the outcome): say so to
		// the presser only, and leave the prompt to the first click.
		cv.try(p.Reply.Ephemeral(ctx, Reply{Err: err}), "refuse a press")
	case err != nil:
		// Theirs, and it failed (expired, already decided, the provider
		// failed): the prompt becomes the error.
		if posted != "" {
			cv.try(p.Reply.Edit(ctx, posted, Reply{Err: err, Mention: p.Principal}), "edit the progress message")
		}
		cv.replace(ctx, p, Reply{Err: err}, secretOnly(res))
	case res.Pending != nil:
		// Confirmed; an approver must agree next.
		cv.replace(ctx, p, Reply{View: res.Pending}, secretOnly(res))
	case confirm:
		// It ran: the prompt shows how it ended, the channel the result.
		cv.replace(ctx, p, Reply{View: res.Request}, nil)
		cv.announce(ctx, p.Reply, p.Principal, posted, res)
	default:
		cv.replace(ctx, p, Reply{Result: &res}, nil)
	}
}

// replace puts r in place of the pressed message, and secret where only
// the presser sees it: in the message itself when that is theirs alone.
func (cv *Conversations) replace(ctx context.Context, p Press, r Reply, secret *commands.Result) {
	if r.View == nil && r.Result == nil && r.Err == nil {
		return
	}
	if secret != nil && p.Ephemeral && r.Result == nil && r.Err == nil {
		cv.try(p.Reply.Replace(ctx, r), "replace the pressed message")
		cv.try(p.Reply.Ephemeral(ctx, Reply{Result: secret}), "show the requester a secret")
		return
	}
	cv.try(p.Reply.Replace(ctx, r), "replace the pressed message")
	if secret != nil {
		cv.try(p.Reply.Ephemeral(ctx, Reply{Result: secret}), "show the requester a secret")
	}
}

// decide is an approver's Approve or Deny on an approval message. The
// message itself (every copy of it, on every platform) follows from the
// change feed; the presser hears only of a refusal (their own request, no
// right to approve, already decided).
func (cv *Conversations) decide(ctx context.Context, p Press) {
	approve := p.Button.Action == string(commands.ActionApprove)
	_, err := cv.runner.Decide(ctx, cv.request(p.Principal, p.Groups, p.ReplyTo), p.Button.Arg, approve, "")
	if err != nil {
		cv.try(p.Reply.Ephemeral(ctx, Reply{Err: err}), "refuse a press")
	}
}

// page shows another page of a kept list, to the person it was kept for.
func (cv *Conversations) page(ctx context.Context, p Press) {
	token, index, ok := strings.Cut(p.Button.Arg, ":")
	i, err := strconv.Atoi(index)
	if !ok || err != nil || i < 0 {
		cv.try(p.Reply.Ephemeral(ctx, Reply{Err: fault.Errorf(fault.Invalid, "malformed page button")}), "answer a press")
		return
	}
	res, found, err := cv.pages.Get(ctx, token, p.Principal)
	if err != nil {
		cv.log.Warn("reading a kept list failed", "err", err)
		cv.try(p.Reply.Ephemeral(ctx, Reply{Err: fault.Errorf(fault.Unavailable, "the list could not be read back; run the command again")}), "answer a press")
		return
	}
	if !found {
		cv.try(p.Reply.Replace(ctx, Reply{Text: "This list is no longer kept (lists are kept for 30 minutes); run the command again."}), "answer a press")
		return
	}
	cv.try(p.Reply.Replace(ctx, Reply{Result: &res, Page: Page{Token: token, Index: i}}), "turn a page")
}
