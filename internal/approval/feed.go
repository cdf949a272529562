package approval

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// Event says what happened to a request, so that adapters tell people
// "approved by bob" without diffing states. Values are stored: never
// rename one.
type Event string

const (
	EventCreated     Event = "created"     // asked; waiting at its first gate
	EventConfirmed   Event = "confirmed"   // the requester confirmed
	EventApproved    Event = "approved"    // an approver approved
	EventDenied      Event = "denied"      // an approver denied
	EventCancelled   Event = "cancelled"   // the requester (or their ending session) withdrew it
	EventExecuting   Event = "executing"   // one process claimed it and is running it
	EventProgress    Event = "progress"    // the running action reported progress
	EventFinished    Event = "finished"    // it succeeded or failed
	EventExpired     Event = "expired"     // nobody decided (or ran it) in time
	EventInterrupted Event = "interrupted" // its executor died; never re-run
)

// Change is one entry of the feed: what happened (Event, at Version and
// At) and the request as it stands when read, which may already be past
// that event.
type Change struct {
	Version int64
	Event   Event
	At      time.Time
	Request Request
}

// Feed returns the changes after version after, oldest first, at most limit
// of them (0: 500). A watcher starts from LatestVersion and passes the last
// Version it saw: it misses nothing, whichever process made the change and
// however late it committed, because versions are handed out inside the
// write transaction that makes the change, and that transaction holds the
// write lock (SQLite) or the feed lock (PostgreSQL) from its start to its
// commit: a version is never taken while an earlier one is uncommitted. (A
// sequence alone would not do: on PostgreSQL a transaction that took
// version 7 may commit after one that took 8, and a reader that saw 8
// would skip 7 for ever.)
func (s *Store) Feed(ctx context.Context, after int64, limit int) ([]Change, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.db.QueryContext(ctx, `SELECT e.version, e.event, e.at, `+joinedColumns+`
		FROM approval_events e JOIN approval_requests r ON r.id = e.request_id
		WHERE e.version > ? ORDER BY e.version LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read approval changes after version %d: %w", after, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var (
			c     Change
			event string
			at    int64
		)
		c.Request, err = scanRequest(prefixScanner{rows, []any{&c.Version, &event, &at}})
		if err != nil {
			return nil, fmt.Errorf("read approval changes after version %d: %w", after, err)
		}
		c.Event, c.At = Event(event), fromNanos(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read approval changes after version %d: %w", after, err)
	}
	return out, nil
}

// LatestVersion is the version of the newest change: where a watcher that
// only wants what happens from now on starts.
func (s *Store) LatestVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM approval_events`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the latest approval version: %w", err)
	}
	return v, nil
}

// ReportProgress records the latest progress of a request this instance is
// executing, as a progress event. Callers throttle: every call is a write.
// It fails with a *ConflictError once the request is no longer this
// instance's to run.
func (s *Store) ReportProgress(ctx context.Context, id string, p Progress) (Request, error) {
	if p.At.IsZero() {
		p.At = s.now()
	}
	r, ok, err := s.transition(ctx, EventProgress, `UPDATE approval_requests SET
			progress_text = ?, progress_done = ?, progress_at = ?
		WHERE id = ? AND state = 'executing' AND executor = ?`,
		p.Text, p.Percent, nanos(p.At), id, s.instance)
	if err != nil {
		return Request{}, fmt.Errorf("record progress of request %s: %w", id, err)
	}
	if !ok {
		return Request{}, s.conflict(ctx, "record progress of", id)
	}
	return r, nil
}

// transition runs one conditional UPDATE of one request (q without its
// RETURNING clause) and appends ev for it, in one write transaction. ok is
// false when the condition matched no row: someone else won, and nothing
// was written.
func (s *Store) transition(ctx context.Context, ev Event, q string, args ...any) (r Request, ok bool, err error) {
	rs, err := s.transitionAll(ctx, ev, q, args...)
	if err != nil || len(rs) == 0 {
		return Request{}, false, err
	}
	return rs[0], true, nil
}

// transitionAll is transition for an UPDATE that may change many requests
// (a sweep): each changed request gets its own event.
func (s *Store) transitionAll(ctx context.Context, ev Event, q string, args ...any) ([]Request, error) {
	tx, err := s.eventTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rs, err := queryRequests(ctx, tx, q+` RETURNING `+columns, args...)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if rs[i].Version, err = appendEvent(ctx, tx, rs[i].ID, ev, s.now()); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return rs, nil
}

// eventTx begins a transaction that will append events: on SQLite it
// holds the write lock, on PostgreSQL the feed lock, from the start, so
// that no other transaction hands out a version before this one commits
// (versions commit in order: see Feed). Taking it first, before any row
// lock, also means two of them never wait for each other in a cycle.
func (s *Store) eventTx(ctx context.Context) (*store.Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if err := tx.Lock(ctx, store.LockApprovalFeed); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// appendEvent records ev for request id inside tx, stamps the request
// with the event's version and, on PostgreSQL, notifies ChannelApprovals.
func appendEvent(ctx context.Context, tx *store.Tx, id string, ev Event, at time.Time) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `INSERT INTO approval_events (request_id, event, at) VALUES (?, ?, ?)
		RETURNING version`, id, string(ev), nanos(at)).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("append %s event: %w", ev, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE approval_requests SET version = ? WHERE id = ?`, v, id); err != nil {
		return 0, fmt.Errorf("stamp version %d: %w", v, err)
	}
	// Delivered at commit: other replicas' watchers read the feed at once.
	if err := tx.Notify(ctx, store.ChannelApprovals); err != nil {
		return 0, err
	}
	return v, nil
}

// joinedColumns is columns qualified with the request table's alias r, for
// queries that join approval_events (which has a version column too).
var joinedColumns = func() string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = "r." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}()

// prefixScanner scans the leading columns of a joined row into head and
// hands the rest to scanRequest.
type prefixScanner struct {
	row  interface{ Scan(...any) error }
	head []any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.head...), dest...)...)
}
