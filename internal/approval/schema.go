package approval

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// migrations are applied by store.Migrate under the component "approval"
// on SQLite (pgMigrations on PostgreSQL).
// migrations[i] is version i+1: append new ones, never edit old ones.
//
// Times are Unix nanoseconds from the writing process's clock; lease_until is
// NULL while no one has claimed the request. The CHECK on state keeps a
// misspelt state from ever being stored.
var migrations = []string{
	`CREATE TABLE approval_requests (
		id             TEXT    NOT NULL PRIMARY KEY,
		state          TEXT    NOT NULL CHECK (state IN ('confirming','pending','approved','executing',
		                       'succeeded','failed','interrupted','denied','expired','cancelled')),
		needs_confirm  INTEGER NOT NULL,
		needs_approval INTEGER NOT NULL,
		source         TEXT    NOT NULL,
		principal      TEXT    NOT NULL,
		command        TEXT    NOT NULL,
		target         TEXT    NOT NULL,
		args           TEXT,
		args_hash      TEXT    NOT NULL,
		args_salt      BLOB    NOT NULL,
		has_secrets    INTEGER NOT NULL,
		reason         TEXT    NOT NULL,
		reply_to       TEXT,
		created_at     INTEGER NOT NULL,
		expires_at     INTEGER NOT NULL,
		updated_at     INTEGER NOT NULL,
		decided_by     TEXT    NOT NULL DEFAULT '',
		decision_note  TEXT    NOT NULL DEFAULT '',
		executor       TEXT    NOT NULL DEFAULT '',
		lease_until    INTEGER,
		outcome        TEXT    NOT NULL DEFAULT '',
		error_class    TEXT    NOT NULL DEFAULT '',
		error          TEXT    NOT NULL DEFAULT '',
		notified_by    TEXT    NOT NULL DEFAULT ''
	) STRICT;
CREATE INDEX approval_requests_by_deadline ON approval_requests (state, expires_at);
CREATE INDEX approval_requests_by_lease ON approval_requests (state, lease_until);
CREATE INDEX approval_requests_by_principal ON approval_requests (principal, updated_at);
CREATE INDEX approval_requests_by_created ON approval_requests (created_at)`,

	// 2: the change feed, posted messages, progress and what a viewer is
	// shown of the target. Every change a watcher must hear of appends one
	// event in the same write transaction as the change itself; SQLite runs
	// one write transaction at a time, so event versions are handed out in
	// commit order and "every event after version N" never skips one that
	// commits late (a wall-clock updated_at could).
	`CREATE TABLE approval_events (
		version    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
		request_id TEXT    NOT NULL,
		event      TEXT    NOT NULL,
		at         INTEGER NOT NULL
	) STRICT;
CREATE INDEX approval_events_by_request ON approval_events (request_id, version);
ALTER TABLE approval_requests ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE approval_requests ADD COLUMN target_name TEXT NOT NULL DEFAULT '';
ALTER TABLE approval_requests ADD COLUMN target_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE approval_requests ADD COLUMN progress_text TEXT NOT NULL DEFAULT '';
ALTER TABLE approval_requests ADD COLUMN progress_done INTEGER NOT NULL DEFAULT -1;
ALTER TABLE approval_requests ADD COLUMN progress_at INTEGER;
CREATE TABLE approval_posts (
		request_id TEXT    NOT NULL,
		platform   TEXT    NOT NULL,
		channel    TEXT    NOT NULL,
		message_id TEXT    NOT NULL,
		posted_by  TEXT    NOT NULL,
		posted_at  INTEGER NOT NULL,
		PRIMARY KEY (platform, channel, message_id)
	) STRICT;
CREATE INDEX approval_posts_by_request ON approval_posts (request_id)`,

	// 3: posting claims, one per request and platform, each with a lease
	// (see ClaimPost). notified_by held one claim for every platform, and
	// for ever: a poster that died before posting left the request
	// unposted. It is no longer read or written; the column stays so that
	// an older process sharing the file keeps working.
	`CREATE TABLE approval_post_claims (
		request_id TEXT    NOT NULL,
		platform   TEXT    NOT NULL,
		claimant   TEXT    NOT NULL,
		until      INTEGER NOT NULL,
		PRIMARY KEY (request_id, platform)
	) STRICT`,

	// 4: the groups the requester acted with (Request.Groups), a JSON
	// array; NULL when none, as for every request stored before.
	`ALTER TABLE approval_requests ADD COLUMN groups TEXT`,
}

// columns is the select list every query and RETURNING clause uses, in the
// order scanRequest reads them.
const columns = `id, state, needs_confirm, needs_approval, source, principal, command, target,
	args, args_hash, args_salt, has_secrets, reason, reply_to, created_at, expires_at, updated_at,
	decided_by, decision_note, executor, lease_until, outcome, error_class, error,
	version, target_name, target_ip, progress_text, progress_done, progress_at, groups`

// scanRequest reads one row selected with columns.
func scanRequest(row interface{ Scan(...any) error }) (Request, error) {
	var (
		r                           Request
		state                       string
		args, replyTo, groups       sql.NullString
		created, expires, updated   int64
		leaseUntil, progressAt      sql.NullInt64
		needsConfirm, needsApproval bool
	)
	err := row.Scan(&r.ID, &state, &needsConfirm, &needsApproval, &r.Source, &r.Principal,
		&r.Command, &r.Target, &args, &r.ArgsHash, &r.Salt, &r.HasSecrets, &r.Reason, &replyTo,
		&created, &expires, &updated, &r.DecidedBy, &r.DecisionNote, &r.Executor, &leaseUntil,
		&r.Outcome, &r.ErrorClass, &r.Error,
		&r.Version, &r.TargetName, &r.TargetIP, &r.Progress.Text, &r.Progress.Percent, &progressAt, &groups)
	if err != nil {
		return Request{}, err
	}
	r.State = State(state)
	r.NeedsConfirm, r.NeedsApproval = needsConfirm, needsApproval
	if args.Valid {
		r.Args = json.RawMessage(args.String)
	}
	if replyTo.Valid {
		r.ReplyTo = json.RawMessage(replyTo.String)
	}
	if groups.Valid {
		if err := json.Unmarshal([]byte(groups.String), &r.Groups); err != nil {
			// Unreadable groups must not become "no groups": the
			// request would be re-authorized with less than it was
			// asked with, and, worse, silently.
			return Request{}, fmt.Errorf("request %s: stored groups unreadable: %w", r.ID, err)
		}
	}
	r.CreatedAt, r.ExpiresAt, r.UpdatedAt = fromNanos(created), fromNanos(expires), fromNanos(updated)
	if leaseUntil.Valid {
		r.LeaseUntil = fromNanos(leaseUntil.Int64)
	}
	if progressAt.Valid {
		r.Progress.At = fromNanos(progressAt.Int64)
	}
	return r, nil
}

// nanos is how a time is stored. Every stored time derives from the Store's
// clock, so it lies well inside int64 nanoseconds (years 1678 to 2262).
func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// groupsText is how Request.Groups is stored: a JSON array, NULL when
// there are none (the binding of a request without groups is then the one
// it had before groups existed).
func groupsText(groups []string) any {
	if len(groups) == 0 {
		return nil
	}
	b, _ := json.Marshal(groups) // a []string always encodes
	return string(b)
}

// jsonText binds optional JSON as TEXT (a []byte would bind as a BLOB, which
// the STRICT table refuses for a TEXT column) and NULL when absent.
func jsonText(m json.RawMessage) any {
	if m == nil {
		return nil
	}
	return string(m)
}
