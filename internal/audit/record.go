// Package audit is the append-only, hash-chained audit trail in SQLite.
//
// Each record's hash covers its fields and the hash before it, and a head
// row names the last record, so Verify detects edited, deleted, reordered
// and truncated records. With audit.hmac_key set the hashes are
// HMAC-SHA256; without it they are plain SHA-256, and anyone with write
// access to the database can rewrite the chain consistently: the key is
// what makes the log tamper-evident against such a person.
package audit

import (
	"encoding/json"
	"fmt"
	"time"
)

// Stage is the step of a request a record describes. One request leaves one
// record per stage it passes through. Values are written to the database:
// never rename one.
type Stage string

const (
	StageRequested         Stage = "requested"          // a valid request arrived
	StageRejected          Stage = "rejected"           // bad input: unknown command, bad argument, oversized
	StageDenied            Stage = "denied"             // the policy said no
	StageConfirmRequested  Stage = "confirm_requested"  // waiting for the requester to confirm
	StageConfirmed         Stage = "confirmed"          // the requester confirmed
	StageCancelled         Stage = "cancelled"          // the requester cancelled
	StageApprovalRequested Stage = "approval_requested" // waiting for an approver
	StageApproved          Stage = "approved"           // an approver approved
	StageApprovalDenied    Stage = "approval_denied"    // an approver denied
	StageExpired           Stage = "expired"            // nobody decided in time
	StageExecuted          Stage = "executed"           // the provider was called; Outcome says how it went
	StageInterrupted       Stage = "interrupted"        // the process died while executing
	StageAuthFailed        Stage = "auth_failed"        // bad signature, token or replay at an edge
)

// Outcome of an executed stage.
const (
	OutcomeOK    = "ok"
	OutcomeError = "error"
)

// Record is one audit entry. Args must already be redacted: the audit log
// stores what it is given, and redaction happens in one place (the command
// layer) before anything reaches the log.
type Record struct {
	Seq       int64     `json:"seq"` // assigned on append, 1-based, gapless
	Time      time.Time `json:"time"`
	Source    string    `json:"source"`    // "shell", "slack", "discord", "mcp"
	Principal string    `json:"principal"` // "slack:T1:U2", "mcp:claude-laptop"
	// Groups are the further policy subjects the principal presented with
	// the request ("discord-role:G1:R9"), from the platform's signed
	// payload; none for most requests.
	Groups     []string        `json:"groups,omitempty"`
	Command    string          `json:"command"`
	Target     string          `json:"target,omitempty"` // "provider/id"
	Args       json.RawMessage `json:"args,omitempty"`   // redacted
	Stage      Stage           `json:"stage"`
	Decision   string          `json:"decision,omitempty"` // "allow", "deny", "confirm", "approval"
	Rule       string          `json:"rule,omitempty"`     // the policy line that decided
	ApprovalID string          `json:"approval_id,omitempty"`
	Outcome    string          `json:"outcome,omitempty"`     // OutcomeOK / OutcomeError
	ErrorClass string          `json:"error_class,omitempty"` // fault.Class
	Error      string          `json:"error,omitempty"`       // safe one-line message
	Duration   time.Duration   `json:"duration_ns,omitempty"`
	PrevHash   string          `json:"prev_hash"` // hex; "" for the first record
	Hash       string          `json:"hash"`      // hex
}

// Filter selects records for Query and Export. Zero fields match anything.
type Filter struct {
	Server     string // exact target, or a provider prefix ending in "/"
	Principal  string
	ApprovalID string
	Since      time.Time
	Until      time.Time
	Limit      int // newest first when set; 0 = no limit (Export: oldest first)
}

// VerifyReport is the result of walking the chain. A report that is not OK
// names the first problem only: everything after it is suspect anyway.
type VerifyReport struct {
	Records int64 // how many were checked
	OK      bool
	BadSeq  int64  // first record that does not verify (0 when OK, or when the problem is not one record's)
	Problem string // what is wrong there, e.g. "hash mismatch", "gap after 41", "head mismatch"
	Keyed   bool   // HMAC-SHA256 (true) or plain SHA-256 chain, as stored in the database
	// HeadHash is the hash of the last record ("" for an empty log). Copying
	// it somewhere the database's writers cannot reach (a ticket, a chat
	// message) anchors the chain: a later verify that reports a different
	// hash at that sequence number proves the log was rewritten.
	HeadHash string
}

// Err returns nil when the chain verified, or an error that states the first
// problem, e.g. "record 1: hash mismatch (wrong audit.hmac_key?)".
func (r VerifyReport) Err() error {
	switch {
	case r.OK:
		return nil
	case r.BadSeq > 0:
		return fmt.Errorf("audit verify: record %d: %s", r.BadSeq, r.Problem)
	default:
		return fmt.Errorf("audit verify: %s", r.Problem)
	}
}
