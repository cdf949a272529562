package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// timeLayout stores times in UTC with a fixed nine-digit fraction, so that
// comparing the text (the index, Since/Until) compares the instants. The
// hash uses RFC 3339 with nanoseconds, which parses to the same instant;
// scanRecord refuses any other text for it, so the chain vouches for the
// exact bytes a time query compares.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// recordColumns is the column list every read selects, in scanRecord's order.
const recordColumns = `seq, time, source, principal, command, target, args, stage,
	decision, rule, approval_id, outcome, error_class, error, duration_ns, prev_hash, hash, groups`

const insertRecord = `INSERT INTO audit_records (` + recordColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

type rowScanner interface{ Scan(dest ...any) error }

func scanRecord(s rowScanner) (Record, error) {
	var (
		r      Record
		when   string
		args   sql.NullString
		dur    int64
		groups string
	)
	err := s.Scan(&r.Seq, &when, &r.Source, &r.Principal, &r.Command, &r.Target, &args, &r.Stage,
		&r.Decision, &r.Rule, &r.ApprovalID, &r.Outcome, &r.ErrorClass, &r.Error, &dur, &r.PrevHash, &r.Hash, &groups)
	if err != nil {
		return Record{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, when)
	if err != nil {
		return Record{}, &badRowError{seq: r.Seq, problem: fmt.Sprintf("unreadable time %q (record edited?)", when)}
	}
	if formatTime(t) != when {
		// The hash covers the instant, but Since and Until compare the
		// text: the same instant written another way (another zone,
		// fewer digits) would silently leave time queries. Only the one
		// form the log writes is a valid record.
		return Record{}, &badRowError{seq: r.Seq, problem: fmt.Sprintf("time %q is not in the stored form %s (record edited?)", when, timeLayout)}
	}
	r.Time = t.UTC()
	if args.Valid && args.String != "" {
		r.Args = []byte(args.String)
	}
	r.Duration = time.Duration(dur)
	if groups != "" {
		// Only the one form the log writes is valid, as for the time: the
		// chain covers the groups, not the text they are stored as.
		if json.Unmarshal([]byte(groups), &r.Groups) != nil || groupsText(r.Groups) != groups {
			return Record{}, &badRowError{seq: r.Seq, problem: "groups are not in the stored form (record edited?)"}
		}
	}
	return r, nil
}

// groupsText is how Record.Groups is stored: a JSON array, "" when none.
func groupsText(groups []string) string {
	if len(groups) == 0 {
		return ""
	}
	b, _ := json.Marshal(groups) // a []string always encodes
	return string(b)
}

func insertArgs(r *Record) []any {
	var args any // NULL when absent, TEXT (not BLOB) otherwise
	if len(r.Args) > 0 {
		args = string(r.Args)
	}
	return []any{r.Seq, formatTime(r.Time), r.Source, r.Principal, r.Command, r.Target, args, string(r.Stage),
		r.Decision, r.Rule, r.ApprovalID, r.Outcome, r.ErrorClass, r.Error, int64(r.Duration), r.PrevHash, r.Hash, groupsText(r.Groups)}
}

// head is the audit_head row: the chain's last link.
type head struct {
	seq   int64
	hash  string
	keyed sql.NullBool // NULL until the first record is appended
	mac   string
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readHead(ctx context.Context, q querier) (head, error) {
	var h head
	err := q.QueryRowContext(ctx, `SELECT seq, hash, keyed, mac FROM audit_head WHERE id = 1`).
		Scan(&h.seq, &h.hash, &h.keyed, &h.mac)
	if errors.Is(err, sql.ErrNoRows) {
		return head{}, errHeadMissing
	}
	if err != nil {
		return head{}, fmt.Errorf("read audit head: %w", err)
	}
	return h, nil
}

var errHeadMissing = errors.New("the audit_head row is missing (deleted?)")

// badRowError is a stored record that cannot be read back as one: for
// Verify it is tampering like any other, for Query an error.
type badRowError struct {
	seq     int64
	problem string
}

func (e *badRowError) Error() string { return fmt.Sprintf("record %d: %s", e.seq, e.problem) }
