package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// maxBatch bounds one group commit, so one transaction never holds the
// database's write lock (shared with other processes) for long.
const maxBatch = 256

// run is the writer goroutine: it commits whatever is queued, in queue
// order, until Close and an empty queue.
func (l *Log) run() {
	defer close(l.stopped)
	for {
		batch := l.next()
		if batch == nil {
			return
		}
		l.commit(batch)
	}
}

// next waits for queued records and takes up to maxBatch of them; nil means
// the log is closed and drained.
func (l *Log) next() []*pending {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.queue) == 0 {
		if l.closed {
			return nil
		}
		l.cond.Wait()
	}
	n := min(len(l.queue), maxBatch)
	batch := l.queue[:n:n]
	if n == len(l.queue) {
		l.queue = nil
	} else {
		// Copy the rest so the taken records are not kept alive by the array.
		l.queue = append([]*pending(nil), l.queue[n:]...)
	}
	return batch
}

// commit writes one batch and tells every waiter how it went. A failed
// batch fails every record in it; none is written.
func (l *Log) commit(batch []*pending) {
	start := time.Now()
	recs, err := l.write(context.Background(), batch)
	if err != nil {
		l.fail(batch, fmt.Errorf("append %d audit record(s): %w", len(batch), err))
		return
	}
	if l.onCommit != nil {
		l.onCommit(len(batch), time.Since(start))
	}
	for i, p := range batch {
		if p.done != nil {
			p.done <- result{rec: recs[i]}
		}
	}
}

// write appends the batch in one write transaction. The head is read inside
// it, holding the chain's lock: on SQLite BeginTx already holds the
// database's write lock (_txlock=immediate); on PostgreSQL (writePostgres)
// the head's row is read FOR UPDATE. So no other Log, process or replica
// can append between the read and the commit, and every replica's
// records form one chain.
func (l *Log) write(ctx context.Context, batch []*pending) ([]Record, error) {
	if l.db.Engine() == store.Postgres {
		return l.writePostgres(ctx, batch)
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	h, err := readHead(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := l.checkHead(h); err != nil {
		return nil, err
	}
	stmt, err := tx.PrepareContext(ctx, insertRecord)
	if err != nil {
		return nil, fmt.Errorf("prepare insert: %w", err)
	}
	defer stmt.Close()
	recs := make([]Record, len(batch))
	seq, last := h.seq, h.hash
	for i, p := range batch {
		r := p.rec
		seq++
		r.Seq, r.PrevHash = seq, last
		r.Hash = l.chain.recordHash(&r)
		if _, err := stmt.ExecContext(ctx, insertArgs(&r)...); err != nil {
			return nil, fmt.Errorf("insert record %d (%s/%s): %w", seq, r.Command, r.Stage, err)
		}
		if err := l.noteOpen(ctx, tx, &r); err != nil {
			return nil, err
		}
		recs[i], last = r, r.Hash
	}
	keyed := l.chain.keyed()
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = ?, hash = ?, keyed = ?, mac = ? WHERE id = 1`,
		seq, last, keyed, l.chain.headMAC(seq, last, keyed)); err != nil {
		return nil, fmt.Errorf("update audit head: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return recs, nil
}

// checkHead refuses to extend a chain this Log cannot vouch for: one keyed
// differently from this Log's configuration, or one whose head does not
// verify. Appending would otherwise recompute the head's MAC and so
// launder a rewound head (hiding deleted records) into a valid one.
func (l *Log) checkHead(h head) error {
	if !h.keyed.Valid {
		if h.seq != 0 || h.hash != "" {
			return fmt.Errorf("audit head at record %d has no keyed flag (tampered?); run audit verify", h.seq)
		}
		return nil // an empty log: the first batch decides
	}
	if h.keyed.Bool != l.chain.keyed() {
		return keyMismatch(h.keyed.Bool)
	}
	if h.mac != l.chain.headMAC(h.seq, h.hash, h.keyed.Bool) {
		return fmt.Errorf("audit head at record %d does not verify (tampered, or wrong audit.hmac_key?); run audit verify", h.seq)
	}
	return nil
}

func keyMismatch(chainKeyed bool) error {
	if chainKeyed {
		return fmt.Errorf("the audit chain is HMAC-keyed but audit.hmac_key is not set (set the key it was written with, or use a new database file)")
	}
	return fmt.Errorf("the audit chain is not HMAC-keyed but audit.hmac_key is set (begun without a key: remove the key, or use a new database file for a keyed chain; or its head was tampered with)")
}

// fail reports a failed batch. Waiters in it get err. If asynchronous
// records were lost, every Append queued after them has been promised their
// durability, so those fail too without being attempted; if there is none,
// the next Append gets the error.
func (l *Log) fail(batch []*pending, err error) {
	var waiters []*pending
	lost := 0
	for _, p := range batch {
		if p.done != nil {
			waiters = append(waiters, p)
		} else {
			l.logLost(p.rec, err)
			lost++
		}
	}
	if lost > 0 {
		// Sweep the queue before releasing anyone in this batch: a
		// released caller may append again at once, and that later record
		// was promised nothing about the lost one, so it must not be
		// failed by this sweep.
		l.mu.Lock()
		lostErr := fmt.Errorf("audit record not appended: %d earlier asynchronous record(s) were lost: %w", lost, err)
		told := len(waiters) > 0
		kept := l.queue[:0]
		for _, p := range l.queue {
			if p.done != nil {
				p.done <- result{err: lostErr}
				told = true
				continue
			}
			kept = append(kept, p)
		}
		clear(l.queue[len(kept):])
		l.queue = kept
		if !told {
			l.recordLost(lost, err)
		}
		l.mu.Unlock()
	}
	for _, p := range waiters {
		p.done <- result{err: err}
	}
}
