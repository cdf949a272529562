package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Query limits.
const (
	DefaultQueryLimit = 20
	MaxQueryLimit     = 1000
)

// Query returns the records matching f, newest first: f.Limit of them
// (DefaultQueryLimit when 0, at most MaxQueryLimit).
func (l *Log) Query(ctx context.Context, f Filter) ([]Record, error) {
	switch {
	case f.Limit < 0:
		return nil, fmt.Errorf("query audit log: negative limit %d", f.Limit)
	case f.Limit == 0:
		f.Limit = DefaultQueryLimit
	case f.Limit > MaxQueryLimit:
		f.Limit = MaxQueryLimit
	}
	where, args := f.where()
	rows, err := l.db.QueryContext(ctx, `SELECT `+recordColumns+` FROM audit_records`+where+
		` ORDER BY seq DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("query audit log: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("query audit log: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query audit log: %w", err)
	}
	return out, nil
}

// Export writes the records matching f to w as JSON Lines, one Record per
// line, oldest first, and returns how many it wrote. f.Limit 0 exports all;
// otherwise the newest f.Limit matching records (still oldest first). It
// streams: memory does not grow with the log.
func (l *Log) Export(ctx context.Context, w io.Writer, f Filter) (int, error) {
	if f.Limit < 0 {
		return 0, fmt.Errorf("export audit log: negative limit %d", f.Limit)
	}
	where, args := f.where()
	q := `SELECT ` + recordColumns + ` FROM audit_records` + where + ` ORDER BY seq`
	if f.Limit > 0 {
		q = `SELECT * FROM (SELECT ` + recordColumns + ` FROM audit_records` + where +
			` ORDER BY seq DESC LIMIT ?) newest ORDER BY seq`
		args = append(args, f.Limit)
	}
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("export audit log: %w", err)
	}
	defer rows.Close()
	enc := json.NewEncoder(w)
	// Keep "<", ">" and "&" as they are, so Args come out byte for byte as
	// they were hashed.
	enc.SetEscapeHTML(false)
	n := 0
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return n, fmt.Errorf("export audit log: %w", err)
		}
		if err := enc.Encode(r); err != nil {
			return n, fmt.Errorf("export audit log: record %d: %w", r.Seq, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export audit log: %w", err)
	}
	return n, nil
}

// where renders f (without its Limit) as a WHERE clause and its arguments.
// Since is inclusive, Until exclusive.
func (f Filter) where() (string, []any) {
	var (
		conds []string
		args  []any
	)
	switch {
	case strings.HasSuffix(f.Server, "/"):
		// A provider prefix as an index range: every string that starts
		// with "p/" sorts in ["p/", "p0"), since '0' follows '/'.
		conds = append(conds, `target >= ? AND target < ?`)
		args = append(args, f.Server, strings.TrimSuffix(f.Server, "/")+"0")
	case f.Server != "":
		conds = append(conds, `target = ?`)
		args = append(args, f.Server)
	}
	if f.Principal != "" {
		conds = append(conds, `principal = ?`)
		args = append(args, f.Principal)
	}
	if f.ApprovalID != "" {
		conds = append(conds, `approval_id = ?`)
		args = append(args, f.ApprovalID)
	}
	if !f.Since.IsZero() {
		conds = append(conds, `time >= ?`)
		args = append(args, formatTime(clampTime(f.Since)))
	}
	if !f.Until.IsZero() {
		conds = append(conds, `time < ?`)
		args = append(args, formatTime(clampTime(f.Until)))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// clampTime keeps a filter bound within the years the fixed-width stored
// format can hold, where text order is time order (appends refuse others).
func clampTime(t time.Time) time.Time {
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	switch {
	case t.Before(lo):
		return lo
	case t.After(hi):
		return hi
	}
	return t
}
