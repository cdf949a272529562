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

// query runs a SELECT of columns and reads every row.
func (s *Store) query(ctx context.Context, q string, args ...any) ([]Request, error) {
	return queryRequests(ctx, s.db, q, args...)
}

// queryRequests runs a SELECT or an UPDATE ... RETURNING of columns on db or
// a transaction and reads every row. Reading to the end matters for an
// UPDATE: its statement finishes only then.
func queryRequests(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string, args ...any) ([]Request, error) {
	rows, err := db.QueryContext(ctx, q, args...)
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

// Count returns how many requests are in each of states, with one query
// (the metrics scrape calls it every few seconds on every replica).
func (s *Store) Count(ctx context.Context, states ...State) (map[State]int, error) {
	out := make(map[State]int, len(states))
	if len(states) == 0 {
		return out, nil
	}
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = string(st)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM approval_requests
		WHERE state IN (?`+strings.Repeat(", ?", len(states)-1)+`) GROUP BY state`, args...)
	if err != nil {
		return nil, fmt.Errorf("count requests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			st string
			n  int
		)
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count requests: %w", err)
		}
		out[State(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count requests: %w", err)
	}
	return out, nil
}
