package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// CopyTable is one table Copy moves.
type CopyTable struct {
	Name string
	// Key, when set, names the primary key of a table the target's
	// migrations already filled (the audit head's one row): its rows are
	// upserted instead of inserted.
	Key string
	// Dropped are columns the source may have and the target need not: a
	// column kept on SQLite only for older binaries. Any other source
	// column missing from the target stops the copy.
	Dropped []string
}

// Copy copies tables from one database to another, engines either way, in
// one snapshot of the source and one transaction of the target: the
// target gets every row or, on any error, none. Values are adapted to
// the target's column types (SQLite's 0/1 to PostgreSQL's booleans); an
// identity column's sequence is moved past the copied values. It returns
// how many rows each table received. The caller has migrated both
// databases and checked that the target is empty.
func Copy(ctx context.Context, from, to *DB, tables []CopyTable) (map[string]int64, error) {
	src, err := from.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy: read %s: %w", from, err)
	}
	defer src.Rollback()
	dst, err := to.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy: write %s: %w", to, err)
	}
	defer dst.Rollback()
	copied := map[string]int64{}
	for _, t := range tables {
		n, err := copyTable(ctx, src, dst, t)
		if err != nil {
			return nil, fmt.Errorf("copy table %s: %w", t.Name, err)
		}
		copied[t.Name] = n
	}
	if err := dst.Commit(); err != nil {
		return nil, fmt.Errorf("copy: commit to %s: %w", to, err)
	}
	return copied, nil
}

func copyTable(ctx context.Context, src, dst *Tx, t CopyTable) (int64, error) {
	types, identity, err := columnTypes(ctx, dst, t.Name)
	if err != nil {
		return 0, err
	}
	rows, err := src.QueryContext(ctx, `SELECT * FROM `+t.Name)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	srcCols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	var cols []string
	var keep []int // indexes of srcCols copied
	for i, c := range srcCols {
		c = strings.ToLower(c)
		if _, ok := types[c]; ok {
			cols, keep = append(cols, c), append(keep, i)
			continue
		}
		if !slices.Contains(t.Dropped, c) {
			return 0, fmt.Errorf("the target has no column %s (is it an older version?)", c)
		}
	}
	stmt, err := dst.PrepareContext(ctx, insertStatement(t, cols))
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	vals := make([]any, len(srcCols))
	ptrs := make([]any, len(srcCols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		args := make([]any, len(keep))
		for j, i := range keep {
			if args[j], err = adapt(vals[i], types[cols[j]]); err != nil {
				return n, fmt.Errorf("row %d, column %s: %w", n+1, cols[j], err)
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	for _, c := range identity {
		// The next generated value must follow the copied ones.
		if _, err := dst.raw.ExecContext(ctx, fmt.Sprintf(
			`SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE((SELECT max(%s) FROM %s), 0) + 1, false)`,
			t.Name, c, c, t.Name)); err != nil {
			return n, fmt.Errorf("move the sequence of %s: %w", c, err)
		}
	}
	return n, nil
}

func insertStatement(t CopyTable, cols []string) string {
	q := `INSERT INTO ` + t.Name + ` (` + strings.Join(cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(cols)-1) + `)`
	if t.Key == "" {
		return q
	}
	var set []string
	for _, c := range cols {
		if c != t.Key {
			set = append(set, c+" = excluded."+c)
		}
	}
	return q + ` ON CONFLICT (` + t.Key + `) DO UPDATE SET ` + strings.Join(set, ", ")
}

// columnTypes returns the target's columns with their declared types
// (lower case), and its identity columns.
func columnTypes(ctx context.Context, tx *Tx, table string) (map[string]string, []string, error) {
	q := `SELECT lower(name), lower(type), 'NO' FROM pragma_table_info(?)`
	if tx.db.engine == Postgres {
		q = `SELECT column_name, data_type, is_identity FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ?`
	}
	rows, err := tx.QueryContext(ctx, q, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	types := map[string]string{}
	var identity []string
	for rows.Next() {
		var name, typ, ident string
		if err := rows.Scan(&name, &typ, &ident); err != nil {
			return nil, nil, err
		}
		types[name] = typ
		if ident == "YES" {
			identity = append(identity, name)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(types) == 0 {
		return nil, nil, fmt.Errorf("the target has no table %s", table)
	}
	return types, identity, nil
}

// adapt converts a value read from one engine for a column of type typ on
// the other.
func adapt(v any, typ string) (any, error) {
	switch typ {
	case "boolean":
		switch b := v.(type) {
		case int64:
			if b != 0 && b != 1 {
				return nil, fmt.Errorf("%d is no boolean", b)
			}
			return b == 1, nil
		case bool, nil:
			return v, nil
		}
		return nil, fmt.Errorf("a %T is no boolean", v)
	case "text":
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
	}
	return v, nil
}

// Count is the number of rows in table.
func Count(ctx context.Context, db *DB, table string) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n)
	return n, err
}
