package audit

import (
	"context"
	"errors"
	"fmt"
)

// Verify walks the whole chain in sequence order, in one read snapshot and
// in constant memory, and reports the first record that does not verify:
// an edited record (hash mismatch), a deleted one (gap), reordered ones
// (prev_hash mismatch), deleted newest records (head mismatch), or a chain
// keyed differently from this Log's configuration.
//
// Tampering is a report with OK false, not an error; the error is for
// failing to read the database. Without an HMAC key, someone with write
// access can recompute the whole chain and head after an edit, and Verify
// cannot tell: the key is what makes the log tamper-evident against such a
// person. Deleting every record and resetting the head is detectable only
// by comparing with a HeadHash kept elsewhere.
func (l *Log) Verify(ctx context.Context) (VerifyReport, error) {
	// A read-only snapshot: appenders keep running, and the head and the
	// records agree.
	tx, err := l.db.Snapshot(ctx)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: begin: %w", err)
	}
	defer tx.Rollback()
	h, err := readHead(ctx, tx)
	if errors.Is(err, errHeadMissing) {
		return VerifyReport{Keyed: l.chain.keyed(), Problem: err.Error()}, nil
	}
	if err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	rep := VerifyReport{Keyed: h.keyed.Bool}
	if h.keyed.Valid && h.keyed.Bool != l.chain.keyed() {
		rep.BadSeq = 1
		rep.Problem = keyMismatch(h.keyed.Bool).Error()
		return rep, nil
	}
	w := walker{chain: l.chain, rep: &rep}
	rows, err := tx.QueryContext(ctx, `SELECT `+recordColumns+` FROM audit_records ORDER BY seq`)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
		var bad *badRowError
		if errors.As(err, &bad) {
			w.bad(bad.seq, bad.problem)
			return rep, nil
		}
		if err != nil {
			return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
		}
		if !w.next(&r) {
			return rep, nil
		}
	}
	if err := rows.Err(); err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	w.end(h)
	return rep, nil
}

// walker checks one record at a time against the one before it.
type walker struct {
	chain chain
	rep   *VerifyReport
	seq   int64  // last good record
	hash  string // its hash
}

func (w *walker) bad(seq int64, problem string) bool {
	w.rep.BadSeq, w.rep.Problem = seq, problem
	return false
}

// next checks r and reports whether the walk may go on.
func (w *walker) next(r *Record) bool {
	switch {
	case r.Seq <= w.seq:
		return w.bad(r.Seq, fmt.Sprintf("sequence goes back after %d", w.seq))
	case r.Seq != w.seq+1:
		return w.bad(w.seq+1, fmt.Sprintf("gap after %d: records %d to %d are missing", w.seq, w.seq+1, r.Seq-1))
	case r.PrevHash != w.hash:
		return w.bad(r.Seq, "prev_hash mismatch (record before it deleted, replaced or reordered?)")
	case w.chain.recordHash(r) != r.Hash:
		problem := "hash mismatch (record edited?)"
		if r.Seq == 1 && w.chain.keyed() {
			problem = "hash mismatch (wrong audit.hmac_key?)"
		}
		return w.bad(r.Seq, problem)
	}
	w.seq, w.hash = r.Seq, r.Hash
	w.rep.Records++
	return true
}

// end checks the head against the last record: this is what catches
// deleted newest records, which leave the rest of the chain intact.
func (w *walker) end(h head) {
	switch {
	case h.seq > w.seq:
		w.bad(w.seq+1, fmt.Sprintf("head mismatch: the head is at record %d but the log ends at %d (newest records deleted?)", h.seq, w.seq))
	case h.seq < w.seq:
		w.bad(h.seq+1, fmt.Sprintf("head mismatch: the head is at record %d but the log goes on to %d", h.seq, w.seq))
	case h.hash != w.hash:
		w.bad(h.seq, "head mismatch: the head's hash is not the last record's")
	case !h.keyed.Valid && h.seq != 0:
		w.bad(0, "head mismatch: the head has no keyed flag")
	case h.keyed.Valid && h.mac != w.chain.headMAC(h.seq, h.hash, h.keyed.Bool):
		w.bad(0, "head mismatch: the head's MAC does not verify (head rewritten?)")
	default:
		w.rep.OK = true
		w.rep.HeadHash = w.hash
	}
}
