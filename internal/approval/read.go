package approval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Get returns the request with the given id, or an error wrapping
// ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM approval_requests WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, fmt.Errorf("get request %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Request{}, fmt.Errorf("get request %s: %w", id, err)
	}
	return r, nil
}

// Filter selects requests for List. Zero fields select everything.
type Filter struct {
	States    []State   // any of these states
	Principal string    // asked by this principal
	Since     time.Time // created at or after
	Limit     int       // at most this many (0: no limit)
}

// List returns the requests matching f, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Request, error) {
	var (
		where []string
		args  []any
	)
	if len(f.States) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(f.States)-1)+")")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.Principal != "" {
		where = append(where, "principal = ?")
		args = append(args, f.Principal)
	}
	if !f.Since.IsZero() {
		where = append(where, "created_at >= ?")
		args = append(args, nanos(f.Since))
	}
	q := `SELECT ` + columns + ` FROM approval_requests`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	out, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	return out, nil
}

// Changes returns the requests of principal ("" for every principal) whose
// UpdatedAt is after since, oldest change first, so a poller can tell
// requesters about outcomes that any process recorded: it passes the newest
// UpdatedAt it has seen as the next since.
//
// UpdatedAt comes from the clock of the process that made the change, and a
// change becomes visible only when committed, so across processes a change
// can surface with an UpdatedAt slightly older than one already seen (and be
// missed by a poller that moved past it). Callers that must see every
// outcome should also re-read the requests they are waiting for by id.
func (s *Store) Changes(ctx context.Context, since time.Time, principal string) ([]Request, error) {
	q := `SELECT ` + columns + ` FROM approval_requests WHERE updated_at > ?`
	args := []any{nanos(since)}
	if principal != "" {
		q += ` AND principal = ?`
		args = append(args, principal)
	}
	q += ` ORDER BY updated_at, id`
	out, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list changes since %s for %q: %w", since.Format(time.RFC3339Nano), principal, err)
	}
	return out, nil
}

// query runs a SELECT or an UPDATE ... RETURNING of columns and reads every
// row. Reading to the end matters for an UPDATE: its autocommit transaction
// commits when the statement finishes.
func (s *Store) query(ctx context.Context, q string, args ...any) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// updateOne runs a conditional UPDATE of one row with RETURNING columns
// appended. ok is false when the condition matched no row: someone else won.
func (s *Store) updateOne(ctx context.Context, q string, args ...any) (r Request, ok bool, err error) {
	r, err = scanRequest(s.db.QueryRowContext(ctx, q+` RETURNING `+columns, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, false, nil
	}
	if err != nil {
		return Request{}, false, err
	}
	return r, true, nil
}
