// Package approval keeps confirmation and approval requests in SQLite and
// moves them through their state machine with conditional updates, so that
// an approved action runs exactly once however many processes, clicks or
// platforms race to run it.
package approval

import (
	"encoding/json"
	"errors"
	"time"
)

// State of a request. Values are stored: never rename one.
//
//	confirming ─confirm─► pending ─approve─► approved ─claim─► executing ─► succeeded | failed
//	     │   (if no approval needed: confirming ─confirm─► approved)          └─lease lost─► interrupted
//	interrupted ─finish by its own executor (it was alive after all)─► succeeded | failed
//	     └─cancel/expire─► cancelled | expired     pending ─deny/cancel/expire─► denied | cancelled | expired
//	approved, unclaimed one lease past ExpiresAt ─► expired
type State string

const (
	Confirming  State = "confirming" // waiting for the requester's confirm
	Pending     State = "pending"    // waiting for an approver
	Approved    State = "approved"   // cleared to run, not yet claimed
	Executing   State = "executing"  // claimed by one process, running
	Succeeded   State = "succeeded"
	Failed      State = "failed"
	Interrupted State = "interrupted" // the executor died; never re-run
	Denied      State = "denied"
	Expired     State = "expired"
	Cancelled   State = "cancelled"
)

// Terminal reports whether no transition leaves s.
func (s State) Terminal() bool {
	switch s {
	case Succeeded, Failed, Interrupted, Denied, Expired, Cancelled:
		return true
	}
	return false
}

// Request is one gated action.
type Request struct {
	ID            string // opaque, short, typeable ("r-7kq2m9xw"); the only thing buttons carry
	State         State
	NeedsConfirm  bool
	NeedsApproval bool
	Source        string // where it was asked: "shell", "slack", "discord", "mcp"
	Principal     string
	// Groups are the further policy subjects the requester acted with
	// ("discord-role:G1:R9"), from the signed payload of the request. They
	// are stored so that the requester is re-authorized with them when the
	// request runs, possibly in another process after approval.
	Groups       []string
	Command      string
	Target       string          // "provider/id"
	Args         json.RawMessage // redacted arguments, for display and re-execution
	ArgsHash     string          // binds the approval to the exact command and arguments (see ArgsHash)
	Salt         []byte          // per-request key of ArgsHash; stored, never secret on its own
	HasSecrets   bool            // secret arguments exist and live only in the requester's process
	Reason       string          // why the gate applies (the policy rule)
	ReplyTo      json.RawMessage // adapter's opaque reference for telling the requester the outcome
	CreatedAt    time.Time
	ExpiresAt    time.Time
	UpdatedAt    time.Time
	DecidedBy    string // approver, or the requester for confirm/cancel
	DecisionNote string // deny reason
	Executor     string // process instance that claimed execution
	LeaseUntil   time.Time
	Outcome      string // one-line result summary (never secret)
	ErrorClass   string
	Error        string
	// Version is the version of the last event of this request (see Feed):
	// it grows with every change, so an adapter editing a posted copy can
	// tell a newer view from an older one.
	Version    int64
	TargetName string   // the server's name when it was asked, for people
	TargetIP   string   // its primary IP then, for people
	Progress   Progress // the latest progress of a running request
}

// Progress is the latest step of a running request, kept so that any
// process can show it (a chat message edited by the bot while the MCP
// server runs the action).
type Progress struct {
	Text    string    // "installing debian-12"
	Percent int       // 0-100, or -1 when the provider gives no figure
	At      time.Time // zero when no progress was reported
}

// Errors. A losing transition returns a *ConflictError carrying the current
// request, so the loser can say what happened instead.
var (
	ErrNotFound     = errors.New("no such request")
	ErrSelfApproval = errors.New("you cannot approve your own request")
	ErrNotRequester = errors.New("only the requester can confirm or cancel")
	ErrArgsChanged  = errors.New("arguments changed since approval")
)

// ConflictError means the request was not in a state the transition starts
// from: someone else won, or it expired.
type ConflictError struct {
	Current Request
	// JustExpired is set when this very call found the request past its
	// deadline and moved it to expired. Sweep does not report such a request
	// again, so the caller is the one that must report the expiry.
	JustExpired bool
}

func (e *ConflictError) Error() string {
	return "request " + e.Current.ID + " is already " + string(e.Current.State)
}
