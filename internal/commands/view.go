package commands

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
)

// RequestView is what one person is shown of a gated request: the same
// facts and words on every surface (shell, Slack, Discord, MCP), and the
// actions this viewer may take. It is built from the stored request but
// holds nothing of storage: no salt, argument hash, executor or lease, so
// it is safe to marshal into MCP output or a chat message.
type RequestView struct {
	ID      string         `json:"id" desc:"request id, as approval, confirm, approve and the others take it"`
	State   approval.State `json:"state" desc:"confirming, pending (an approver), approved, executing, succeeded, failed, interrupted, denied, expired or cancelled"`
	Version int64          `json:"version" desc:"grows with every change of the request; a view with a higher version replaces one with a lower"`
	// Gate is "confirm" or "approval" while the request waits at one, ""
	// once it has left the gates.
	Gate string `json:"gate,omitempty" desc:"the gate it waits at: confirm (the requester) or approval (an approver)"`
	// NeedsApproval says an approver must agree (after the requester's
	// confirmation, when it waits at confirm).
	NeedsApproval bool   `json:"needs_approval" desc:"an approver must agree before it runs"`
	Title         string `json:"title" desc:"one-line headline"`
	Summary       string `json:"summary" desc:"where it stands and what can be done next, one line"`
	// Prompt is the question asked with the buttons while it waits: the
	// exact action and what it does to the server.
	Prompt     string            `json:"prompt,omitempty" desc:"the question asked while it waits: the exact action, the server, and what it does"`
	Requester  string            `json:"requester" desc:"the principal who asked"`
	Source     string            `json:"source" desc:"where it was asked: shell, slack, discord or mcp"`
	Command    string            `json:"command" desc:"the gated command's name"`
	Target     TargetView        `json:"target" desc:"the server it acts on"`
	Args       map[string]string `json:"args,omitempty" desc:"the command's arguments other than the server, secrets hidden"`
	Reason     string            `json:"reason" desc:"why the gate applies (the policy rule)"`
	CreatedAt  time.Time         `json:"created_at" desc:"when it was asked"`
	ExpiresAt  time.Time         `json:"expires_at" desc:"when it expires unless decided"`
	DecidedBy  string            `json:"decided_by,omitempty" desc:"the approver who approved or denied it"`
	Note       string            `json:"note,omitempty" desc:"the reason given with a denial, or why it was withdrawn"`
	Progress   *Progress         `json:"progress,omitempty" desc:"the latest step while it runs"`
	Outcome    string            `json:"outcome,omitempty" desc:"one line on how the run went"`
	ErrorClass string            `json:"error_class,omitempty" desc:"the kind of error, when it failed"`
	Error      string            `json:"error,omitempty" desc:"what went wrong, when it failed"`
	// Fields are the facts above as labelled lines, in display order, for
	// adapters that render a list of fields (Slack sections, embeds).
	Fields  []Field  `json:"fields" desc:"the facts above as labelled lines, in display order"`
	Actions []Action `json:"actions,omitempty" desc:"what the caller may do with it now"`
}

// TargetView names the server a request acts on.
type TargetView struct {
	Ref  string `json:"ref" desc:"the server as provider/id"`
	Name string `json:"name,omitempty" desc:"its name when the request was made"`
	IP   string `json:"ip,omitempty" desc:"its primary IP address when the request was made"`
}

func (t TargetView) String() string {
	var extra []string
	if t.Name != "" && !strings.HasSuffix(t.Ref, "/"+t.Name) {
		extra = append(extra, t.Name)
	}
	if t.IP != "" {
		extra = append(extra, t.IP)
	}
	if len(extra) == 0 {
		return t.Ref
	}
	return t.Ref + " (" + strings.Join(extra, ", ") + ")"
}

// ActionID is what a button does. Buttons carry the action and the
// request id only; who pressed comes from the platform's signed payload.
type ActionID string

const (
	ActionConfirm ActionID = "confirm"
	ActionCancel  ActionID = "cancel"
	ActionApprove ActionID = "approve"
	ActionDeny    ActionID = "deny"
)

// Action is one button a viewer may press.
type Action struct {
	ID    ActionID `json:"id" desc:"confirm, cancel, approve or deny"`
	Label string   `json:"label" desc:"the button's words"`
	Style string   `json:"style" desc:"primary, danger or default"`
}

// View is ViewFor a principal by itself.
func (r *Runner) View(req approval.Request, viewer Principal) RequestView {
	return r.ViewFor(req, Viewer{Principal: viewer})
}

// ViewFor is req as viewer sees it: the viewer's own request offers
// confirm and cancel while it waits for them; someone else's pending
// request offers approve and deny to a viewer the policy lets approve it
// (through a group too).
func (r *Runner) ViewFor(req approval.Request, viewer Viewer) RequestView {
	cmd := r.reg.Lookup(req.Command)
	v := RequestView{
		ID: req.ID, State: req.State, Version: req.Version, NeedsApproval: req.NeedsApproval,
		Requester: req.Principal, Source: req.Source, Command: req.Command,
		Target: TargetView{Ref: req.Target, Name: req.TargetName, IP: req.TargetIP},
		Args:   viewArgs(req.Args), Reason: req.Reason,
		CreatedAt: req.CreatedAt, ExpiresAt: req.ExpiresAt,
		Outcome: req.Outcome, ErrorClass: req.ErrorClass, Error: req.Error,
	}
	if req.DecidedBy != "" && req.DecidedBy != req.Principal {
		v.DecidedBy = req.DecidedBy
	}
	v.Note = req.DecisionNote
	if req.State == approval.Executing && !req.Progress.At.IsZero() {
		v.Progress = &Progress{Message: req.Progress.Text, Percent: req.Progress.Percent, At: req.Progress.At}
	}
	switch req.State {
	case approval.Confirming:
		v.Gate = "confirm"
		v.Title = fmt.Sprintf("Confirm %s (request %s)", describe(req), req.ID)
		v.Prompt = prompt(req, cmd)
	case approval.Pending:
		v.Gate = "approval"
		v.Title = fmt.Sprintf("Approval needed: %s (request %s)", describe(req), req.ID)
		v.Prompt = prompt(req, cmd)
	default:
		v.Title = fmt.Sprintf("%s: %s (request %s)", describe(req), req.State, req.ID)
	}
	v.Actions = r.actions(req, viewer, cmd)
	v.Summary = summary(req, viewer.Principal, v.may(ActionApprove))
	v.Fields = viewFields(v)
	return v
}

func (r *Runner) actions(req approval.Request, v Viewer, cmd *Command) []Action {
	viewer := v.Principal
	go_ := "primary"
	if cmd != nil && cmd.Risk == Destructive {
		go_ = "danger"
	}
	switch {
	case req.State == approval.Confirming && string(viewer) == req.Principal:
		return []Action{{ActionConfirm, "Confirm", go_}, {ActionCancel, "Cancel", "default"}}
	case req.State == approval.Pending && string(viewer) == req.Principal:
		return []Action{{ActionCancel, "Withdraw", "default"}}
	case req.State == approval.Pending && (viewer == Approvers || r.CanApproveFor(v, req)):
		return []Action{{ActionApprove, "Approve", go_}, {ActionDeny, "Deny", "default"}}
	}
	return nil
}

// may reports whether the viewer is offered action a.
func (v RequestView) may(a ActionID) bool {
	for _, x := range v.Actions {
		if x.ID == a {
			return true
		}
	}
	return false
}

// summary is one line on where the request stands, worded for viewer
// (approver says whether the viewer may approve it).
func summary(req approval.Request, viewer Principal, approver bool) string {
	what := describe(req)
	by := ""
	if req.DecidedBy != "" && req.DecidedBy != req.Principal {
		by = " by " + req.DecidedBy
	}
	cleared := "approved" + by
	if !req.NeedsApproval {
		cleared = "confirmed"
	}
	switch req.State {
	case approval.Confirming:
		if string(viewer) == req.Principal {
			s := fmt.Sprintf("Expires %s. `confirm %s` to go ahead, `cancel %s` to drop it", ShowTime(req.ExpiresAt), req.ID, req.ID)
			if req.NeedsApproval {
				s += "; after you confirm, an approver must also approve"
			}
			s += "."
			if req.HasSecrets {
				s += " " + keepOpen
			}
			return s
		}
		return fmt.Sprintf("%s waits for %s to confirm it", what, req.Principal)
	case approval.Pending:
		if approver {
			return fmt.Sprintf("%s asks to %s (%s). Expires %s. `approve %s` or `deny %s [reason]`.",
				req.Principal, what, req.Reason, ShowTime(req.ExpiresAt), req.ID, req.ID)
		}
		s := fmt.Sprintf("Waiting for an approver (%s). Expires %s. Approvers: `approve %s` or `deny %s [reason]`.",
			req.Reason, ShowTime(req.ExpiresAt), req.ID, req.ID)
		if req.HasSecrets && string(viewer) == req.Principal {
			s += " " + keepOpen
		}
		return s
	case approval.Approved:
		return fmt.Sprintf("%s was %s and is about to run", what, cleared)
	case approval.Executing:
		return fmt.Sprintf("%s was %s and is running", what, cleared)
	case approval.Succeeded:
		return fmt.Sprintf("%s was %s and succeeded: %s", what, cleared, req.Outcome)
	case approval.Failed:
		return fmt.Sprintf("%s was %s but failed: %s", what, cleared, req.Error)
	case approval.Denied:
		note := ""
		if req.DecisionNote != "" {
			note = ": " + req.DecisionNote
		}
		return fmt.Sprintf("%s was denied%s%s; nothing was done", what, by, note)
	case approval.Expired:
		if by != "" {
			return fmt.Sprintf("%s was approved%s but never ran: the session holding its secret arguments ended; nothing was done", what, by)
		}
		return fmt.Sprintf("%s expired before anyone decided; nothing was done", what)
	case approval.Interrupted:
		return fmt.Sprintf("%s was interrupted when the process running it stopped; it will not be re-run — check `status %s`", what, req.Target)
	case approval.Cancelled:
		if req.DecisionNote != "" {
			return fmt.Sprintf("%s was cancelled: %s; nothing was done", what, req.DecisionNote)
		}
		return fmt.Sprintf("%s was cancelled; nothing was done", what)
	}
	return fmt.Sprintf("%s is now %s", what, req.State)
}

// keepOpen tells the requester of a request with secrets (a reinstall
// password, a result only they may see) that it lives in their session.
const keepOpen = "Keep this session open until it has run: its secrets exist only here, and it is withdrawn when the session ends."

// stateWords says where a request stands, for someone whose click lost.
func stateWords(req approval.Request) string {
	by := ""
	if req.DecidedBy != "" && req.DecidedBy != req.Principal {
		by = " by " + req.DecidedBy
	}
	switch req.State {
	case approval.Confirming:
		return "the requester has not confirmed it yet"
	case approval.Pending:
		return "it is waiting for an approver"
	case approval.Approved:
		return "it was already approved" + by + " and is about to run"
	case approval.Executing:
		return "it is already running"
	case approval.Succeeded:
		return "it already succeeded"
	case approval.Failed:
		return "it already ran and failed"
	}
	return "it is already " + string(req.State) + by
}

func viewFields(v RequestView) []Field {
	fs := []Field{
		{"Requester", v.Requester},
		{"Command", v.Command},
		{"Target", v.Target.String()},
	}
	if len(v.Args) > 0 {
		fs = append(fs, Field{"Arguments", argLine(v.Args)})
	}
	if v.Reason != "" {
		fs = append(fs, Field{"Reason", v.Reason})
	}
	fs = append(fs, Field{"State", string(v.State)})
	if v.Gate != "" {
		fs = append(fs, Field{"Expires", ShowTime(v.ExpiresAt)})
	}
	if v.DecidedBy != "" {
		fs = append(fs, Field{"Decided by", v.DecidedBy})
	}
	if v.Note != "" {
		fs = append(fs, Field{"Note", v.Note})
	}
	if v.Progress != nil {
		fs = append(fs, Field{"Progress", v.Progress.String()})
	}
	if v.Outcome != "" {
		fs = append(fs, Field{"Outcome", v.Outcome})
	}
	if v.Error != "" {
		fs = append(fs, Field{"Error", errorLine(v.ErrorClass, v.Error)})
	}
	return fs
}

// errorLine shows an error with its class when it has one: a record
// written without a class must not read ": executor …".
func errorLine(class, msg string) string {
	if class == "" {
		return msg
	}
	return class + ": " + msg
}

// viewArgs turns stored (already redacted) arguments into display strings,
// leaving out the server, which the target shows.
func viewArgs(raw json.RawMessage) map[string]string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		if k != "server" {
			out[k] = fmt.Sprint(v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// argLine renders arguments sorted: "image=debian-12 password=[redacted]".
func argLine(args map[string]string) string {
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + args[k]
	}
	return strings.Join(parts, " ")
}

// describe renders "reinstall demo-fra/web-1 image=debian-12" from the
// stored (redacted) request.
func describe(req approval.Request) string {
	s := req.Command + " " + req.Target
	if a := argLine(viewArgs(req.Args)); a != "" {
		s += " " + a
	}
	return s
}

// prompt is the question shown with the buttons: the exact action, on
// which server, and what it does (the command's own warning).
func prompt(req approval.Request, cmd *Command) string {
	target := TargetView{Ref: req.Target, Name: req.TargetName, IP: req.TargetIP}.String()
	s := req.Command + " " + target
	if a := argLine(viewArgs(req.Args)); a != "" {
		s += " " + a
	}
	s += "?"
	if cmd != nil && cmd.Danger != "" {
		s += " " + cmd.Danger
	}
	return s
}
