package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("audit log is closed")

// Options configures Open.
type Options struct {
	// HMACKey (audit.hmac_key) turns the chain into HMAC-SHA256. Without it
	// the chain is plain SHA-256, which anyone able to write the database
	// can recompute after an edit; see chain.
	HMACKey []byte
	// Clock stamps records whose Time is zero; default time.Now.
	Clock func() time.Time
	// Logger receives the errors of AppendAsync; default slog.Default().
	Logger *slog.Logger
	// Instance names this process (see sqlite.Presence). When set, the
	// requested record of every ungated command is noted as this
	// process's, so that CloseDangling in another process can tell
	// whether it is still running.
	Instance string
	// OnCommit, when set, is called by the writer after each committed
	// batch with its size and how long the commit took (metrics). It
	// must be quick: appends wait while it runs.
	OnCommit func(records int, took time.Duration)
}

// Log is the audit trail of one database. Several Logs, in one process or in
// several, may append to the same database at once: each batch reads the
// chain's head inside its write transaction.
//
// Appends go through one writer goroutine per Log, which commits everything
// queued so far (up to maxBatch records) in one transaction: under load many
// callers share one commit, and an idle writer commits at once.
type Log struct {
	db       *store.DB
	chain    chain
	clock    func() time.Time
	logger   *slog.Logger
	instance string
	onCommit func(records int, took time.Duration)

	mu      sync.Mutex
	cond    *sync.Cond // signalled when queue grows or closed is set
	queue   []*pending
	closed  bool
	lost    int   // asynchronous records lost and not yet reported to an Append
	lostErr error // the first of them

	stopped   chan struct{} // closed when the writer has exited
	closeOnce sync.Once
	closeErr  error
}

// pending is a record waiting for the writer. done is nil for AppendAsync.
type pending struct {
	rec  Record
	done chan result
}

type result struct {
	rec Record
	err error
}

// Open applies the audit migrations to db and starts the writer. The caller
// keeps ownership of db and closes it after Close.
func Open(ctx context.Context, db *store.DB, o Options) (*Log, error) {
	if err := store.Migrate(ctx, db, "audit", store.Migrations{SQLite: migrations, Postgres: pgMigrations}); err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	l := &Log{
		db:       db,
		chain:    chain{key: bytes.Clone(o.HMACKey)},
		clock:    o.Clock,
		logger:   o.Logger,
		instance: o.Instance,
		onCommit: o.OnCommit,
		stopped:  make(chan struct{}),
	}
	if l.clock == nil {
		l.clock = time.Now
	}
	if l.logger == nil {
		l.logger = slog.Default()
	}
	l.cond = sync.NewCond(&l.mu)
	go l.run()
	return l, nil
}

// Append adds r to the log and returns once it is committed, with Seq,
// PrevHash, Hash and Time (from the clock, when zero) set. r.Args must be
// redacted already and valid JSON; it is stored compacted.
//
// If an earlier AppendAsync record of this Log was lost, the next Append
// (from any goroutine) fails with that error and r is not appended: a
// successful Append always means every record queued before it is durable.
// If ctx ends while waiting for the commit, Append returns ctx's error, and
// the record may still be written.
func (l *Log) Append(ctx context.Context, r Record) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, fmt.Errorf("append audit record: %w", err)
	}
	r, err := l.prepare(r)
	if err != nil {
		return Record{}, err
	}
	p := &pending{rec: r, done: make(chan result, 1)}
	if err := l.enqueue(p); err != nil {
		return Record{}, err
	}
	select {
	case res := <-p.done:
		return res.rec, res.err
	case <-ctx.Done():
		return Record{}, fmt.Errorf("append audit record %s/%s: %w (it may still be written)", r.Command, r.Stage, ctx.Err())
	}
}

// AppendAsync queues r without waiting for the commit. It is ordered before
// any Append of this Log that starts after it returns, from any goroutine,
// so a successful later Append makes r durable too. It never blocks on the
// database: the queue is bounded only by the writer's pace. An error
// (invalid record, failed commit) is logged and fails the next Append.
func (l *Log) AppendAsync(r Record) {
	r, err := l.prepare(r)
	if err == nil {
		err = l.enqueue(&pending{rec: r})
	}
	if err != nil {
		l.logLost(r, err)
		l.mu.Lock()
		l.recordLost(1, err)
		l.mu.Unlock()
	}
}

// Close commits every queued record, stops the writer and reports any lost
// asynchronous record not yet reported. It does not close the database.
// Later calls return the first call's result.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.cond.Signal()
		l.mu.Unlock()
		<-l.stopped
		l.mu.Lock()
		l.closeErr = l.takeLost()
		l.mu.Unlock()
	})
	return l.closeErr
}

// prepare checks r and fills in what the caller leaves to the log, except
// the chain fields, which only the writer can know.
func (l *Log) prepare(r Record) (Record, error) {
	switch {
	case r.Stage == "":
		return r, fmt.Errorf("append audit record %q: missing stage", r.Command)
	case r.Seq != 0 || r.Hash != "" || r.PrevHash != "":
		return r, fmt.Errorf("append audit record %s/%s: seq, prev_hash and hash are set by the log, not the caller (record appended twice?)", r.Command, r.Stage)
	}
	if len(r.Args) > 0 {
		// Redaction is the caller's job; refusing what is not JSON catches a
		// caller that passes raw text (which may hold a secret) by mistake.
		var buf bytes.Buffer
		if err := json.Compact(&buf, r.Args); err != nil {
			return r, fmt.Errorf("append audit record %s/%s: args are not valid JSON: %w", r.Command, r.Stage, err)
		}
		r.Args = buf.Bytes()
	}
	if r.Time.IsZero() {
		r.Time = l.clock()
	}
	r.Time = r.Time.Round(0).UTC() // drop the monotonic reading: it is not stored
	if y := r.Time.Year(); y < 1 || y > 9999 {
		return r, fmt.Errorf("append audit record %s/%s: time %s out of range", r.Command, r.Stage, r.Time)
	}
	return r, nil
}

func (l *Log) enqueue(p *pending) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("append audit record %s/%s: %w", p.rec.Command, p.rec.Stage, ErrClosed)
	}
	if p.done != nil {
		if err := l.takeLost(); err != nil {
			return err
		}
	}
	l.queue = append(l.queue, p)
	l.cond.Signal()
	return nil
}

// recordLost notes n lost asynchronous records for the next Append. l.mu held.
func (l *Log) recordLost(n int, err error) {
	if l.lost == 0 {
		l.lostErr = err
	}
	l.lost += n
}

// takeLost returns, and forgets, the lost-records error. l.mu held.
func (l *Log) takeLost() error {
	if l.lost == 0 {
		return nil
	}
	err := fmt.Errorf("audit record not appended: %d earlier asynchronous record(s) were lost: %w", l.lost, l.lostErr)
	l.lost, l.lostErr = 0, nil
	return err
}

func (l *Log) logLost(r Record, err error) {
	l.logger.Error("audit record lost",
		"source", r.Source, "principal", r.Principal, "command", r.Command,
		"target", r.Target, "stage", string(r.Stage), "approval_id", r.ApprovalID, "err", err)
}

// CheckWritable reports whether this Log can extend the chain in its
// database: the chain's head verifies and was keyed the way this Log is
// configured. Binaries call it at start, so that (say) adding
// audit.hmac_key to a database whose chain was begun without one fails at
// once with a clear message, rather than at the first append, which would
// then refuse every action that needs an audit record.
func (l *Log) CheckWritable(ctx context.Context) error {
	h, err := readHead(ctx, l.db)
	if errors.Is(err, errHeadMissing) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the audit head: %w", err)
	}
	return l.checkHead(h)
}
