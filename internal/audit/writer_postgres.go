package audit

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// writePostgres is write on PostgreSQL in two round trips, whatever the
// batch's size: the first begins the transaction and reads the head FOR
// UPDATE (waiting for any other replica's append to commit, then reading
// the head it left), the second sends every insert, every note, the new
// head and the COMMIT in one pipeline. A batch costs the server the same
// work as statement by statement; what it saves is the waits between
// statements, which is what a replica's append latency is made of, and
// the chain's row lock is held for one round trip instead of dozens.
func (l *Log) writePostgres(ctx context.Context, batch []*pending) ([]Record, error) {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	var recs []Record
	var failed error // the pipeline's own error
	rawErr := conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		recs, failed = l.pipeline(ctx, pc, batch)
		if failed == nil {
			return nil
		}
		// Whatever the pipeline left open is rolled back; a connection
		// that cannot even do that is discarded, not pooled.
		if _, err := pc.Exec(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
			return driver.ErrBadConn
		}
		return nil
	})
	if failed != nil {
		return nil, failed
	}
	return recs, rawErr
}

func (l *Log) pipeline(ctx context.Context, pc *pgx.Conn, batch []*pending) ([]Record, error) {
	var h head
	first := &pgx.Batch{}
	first.Queue("BEGIN")
	first.Queue(`SELECT seq, hash, keyed, mac FROM audit_head WHERE id = 1 FOR UPDATE`)
	br := pc.SendBatch(ctx, first)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	err := br.QueryRow().Scan(&h.seq, &h.hash, &h.keyed, &h.mac)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errHeadMissing
	}
	if err != nil {
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	if err := l.checkHead(h); err != nil {
		return nil, err
	}

	second := &pgx.Batch{}
	recs := make([]Record, len(batch))
	what := make([]string, 0, 2*len(batch)+2) // what each queued statement does, for errors
	seq, last := h.seq, h.hash
	for i, p := range batch {
		r := p.rec
		seq++
		r.Seq, r.PrevHash = seq, last
		r.Hash = l.chain.recordHash(&r)
		second.Queue(l.db.Q(insertRecord), insertArgs(&r)...)
		what = append(what, fmt.Sprintf("insert record %d (%s/%s)", seq, r.Command, r.Stage))
		if q, args, note := l.note(&r); q != "" {
			second.Queue(l.db.Q(q), args...)
			what = append(what, fmt.Sprintf("note record %d %s", seq, note))
		}
		recs[i], last = r, r.Hash
	}
	keyed := l.chain.keyed()
	second.Queue(l.db.Q(`UPDATE audit_head SET seq = ?, hash = ?, keyed = ?, mac = ? WHERE id = 1`),
		seq, last, keyed, l.chain.headMAC(seq, last, keyed))
	what = append(what, "update audit head")
	second.Queue("COMMIT")
	what = append(what, "commit")
	br = pc.SendBatch(ctx, second)
	for _, w := range what {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, fmt.Errorf("%s: %w", w, err)
		}
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return recs, nil
}
