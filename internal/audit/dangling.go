package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/vpsops/vpsops/internal/store"
)

// An ungated command leaves a requested record, then an executed (or, when
// stopped by shutdown, interrupted) record with the same source, principal,
// command, target and arguments and no approval id. A process that dies
// in between leaves the request dangling: on the record as asked, never as
// ended. Gated requests are not concerned: the approval store's leases
// catch theirs.
//
// Which requests are still running is known only to the process running
// them, so a Log with an Instance notes each requested record it appends
// in audit_open_requests, and deletes the note when it appends the
// outcome. CloseDangling, in a process starting later, closes the notes
// whose process is gone.
//
// Why ownership and not age: a command's run has no upper bound that the
// audit log could rely on (provider waits, retries), and two processes
// share the database, so "older than N minutes" or "older than this
// process" would take another live process's long command for dead. A
// note names its process, and sqlite.Presence says exactly whether that
// process still runs, however it ended.

func opensRequest(r *Record) bool { return r.Stage == StageRequested && r.ApprovalID == "" }

func closesRequest(r *Record) bool {
	return (r.Stage == StageExecuted || r.Stage == StageInterrupted) && r.ApprovalID == ""
}

// noteOpen runs in the writer's transaction for each record it inserts:
// a request is noted as this process's, an outcome removes the oldest note
// of this process for the same request (identical requests in flight at
// once are interchangeable; the first asked is taken to end first).
func (l *Log) noteOpen(ctx context.Context, tx *store.Tx, r *Record) error {
	q, args, what := l.note(r)
	if q == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("note record %d %s: %w", r.Seq, what, err)
	}
	return nil
}

// note is the statement noteOpen runs for r, if any, and what it does
// (for errors).
//
// On PostgreSQL a note carries the key of its request (requestKey), so
// that the outcome finds its note in the notes alone: a join with
// audit_records (where every ungated command's records have an empty
// approval_id) was planned as a walk of that whole table, on every
// command. On SQLite the join is pinned to walk the notes instead
// (closeNote).
func (l *Log) note(r *Record) (q string, args []any, what string) {
	pg := l.db.Engine() == store.Postgres
	switch {
	case l.instance == "":
		return "", nil, ""
	case opensRequest(r) && pg:
		return `INSERT INTO audit_open_requests(seq, instance, request) VALUES (?, ?, ?)`,
			[]any{r.Seq, l.instance, requestKey(r)}, "as open"
	case opensRequest(r):
		return `INSERT INTO audit_open_requests(seq, instance) VALUES (?, ?)`, []any{r.Seq, l.instance}, "as open"
	case closesRequest(r) && pg:
		return `DELETE FROM audit_open_requests WHERE seq = (SELECT seq FROM audit_open_requests
			WHERE instance = ? AND request = ? ORDER BY seq LIMIT 1)`,
			[]any{l.instance, requestKey(r)}, "as the outcome of an open request"
	case closesRequest(r):
		var a any
		if len(r.Args) > 0 {
			a = string(r.Args)
		}
		return closeNote, []any{l.instance, r.Source, r.Principal, r.Command, r.Target, a},
			"as the outcome of an open request"
	}
	return "", nil, ""
}

// requestKey names what a requested record and its outcome share: the
// same source, principal, command, target and arguments.
func requestKey(r *Record) string {
	b := make([]byte, 0, 128+len(r.Args))
	for _, f := range []string{r.Source, r.Principal, r.Command, r.Target, string(r.Args)} {
		b = appendField(b, f)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// closeNote deletes this process's oldest note of the request an outcome
// record ends (SQLite). CROSS JOIN makes SQLite walk the few open notes
// and look each record up by its key: left to itself the planner may scan
// the whole audit_records table instead, on every command
// (TestCloseNoteUsesTheNotes).
const closeNote = `DELETE FROM audit_open_requests WHERE seq = (
	SELECT o.seq FROM audit_open_requests o CROSS JOIN audit_records q ON q.seq = o.seq
	WHERE o.instance = ? AND q.source = ? AND q.principal = ? AND q.command = ?
	  AND q.target = ? AND q.args IS NOT DISTINCT FROM ? AND q.approval_id = ''
	ORDER BY o.seq LIMIT 1)`

// CloseDangling appends an interrupted record for every noted request
// without an outcome whose process is gone (alive says no), and returns
// them. Run it at start, before this process appends requests of its own:
// an interrupted record it appends counts as an outcome like any other.
// Several processes may run it at once: each note is closed by one.
func (l *Log) CloseDangling(ctx context.Context, alive func(instance string) bool) ([]Record, error) {
	// The notes first, then each dead process's records by key: a join
	// could be planned as a walk of the whole audit table.
	rows, err := l.db.QueryContext(ctx, `SELECT seq, instance FROM audit_open_requests ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("close dangling audit requests: %w", err)
	}
	type open struct {
		instance string
		rec      Record
	}
	var gone []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.rec.Seq, &o.instance); err != nil {
			rows.Close()
			return nil, fmt.Errorf("close dangling audit requests: %w", err)
		}
		if !alive(o.instance) {
			gone = append(gone, o)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("close dangling audit requests: %w", err)
	}
	rows.Close()
	for i := range gone {
		r, err := scanRecord(l.db.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM audit_records WHERE seq = ?`, gone[i].rec.Seq))
		if err != nil {
			return nil, fmt.Errorf("close dangling audit request %d: %w", gone[i].rec.Seq, err)
		}
		gone[i].rec = r
	}
	var closed []Record
	for _, o := range gone {
		// Taking the note is the claim: of several processes starting
		// together, one deletes it and appends the record.
		res, err := l.db.ExecContext(ctx, `DELETE FROM audit_open_requests WHERE seq = ? AND instance = ?`, o.rec.Seq, o.instance)
		if err != nil {
			return closed, fmt.Errorf("close dangling audit request %d: %w", o.rec.Seq, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			continue
		}
		r := o.rec
		out, err := l.Append(ctx, Record{
			Source: r.Source, Principal: r.Principal, Command: r.Command, Target: r.Target, Args: r.Args,
			Stage: StageInterrupted, Outcome: OutcomeError,
			Error: fmt.Sprintf("the process running it (%s) ended before recording an outcome (request: record %d); the outcome is unknown", o.instance, r.Seq),
		})
		if err != nil {
			// Put the note back, so the next start tries again.
			l.db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO audit_open_requests(seq, instance) VALUES (?, ?) ON CONFLICT DO NOTHING`, r.Seq, o.instance)
			return closed, fmt.Errorf("close dangling audit request %d: %w", r.Seq, err)
		}
		closed = append(closed, out)
	}
	return closed, nil
}
