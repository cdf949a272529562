package approval

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// Options tunes a Store. Zero values take the defaults.
type Options struct {
	TTL        time.Duration    // how long a pending request waits for an approver; default 30m
	ConfirmTTL time.Duration    // how long a confirming request waits for its requester; default 5m
	Lease      time.Duration    // how long a claim holds without renewal; default 30s
	Clock      func() time.Time // default time.Now; tests inject a fake
	// Instance names this process in Executor and in the leases it holds.
	// Two live processes must never share one. Default: host, pid and a
	// random suffix.
	Instance string
	// Secret (audit.hmac_key) keys the stored argument hashes, so that a
	// request retargeted by editing its row is refused at execution (see
	// binding). Every process sharing the database must use the same one.
	// Without it the hashes are keyed by the per-request salt alone.
	Secret []byte
}

// Store keeps requests in the approval_requests table of a shared database.
// Several processes (the bot and the MCP server on one SQLite file, or
// replicas on one PostgreSQL) may each open a Store on the same database:
// every state change is one conditional UPDATE, so the database's row or
// write lock decides every race and exactly one contender wins it.
//
// A Store is safe for concurrent use. It does not own db: the caller closes
// db after the last use of the Store.
type Store struct {
	db         *store.DB
	ttl        time.Duration
	confirmTTL time.Duration
	lease      time.Duration
	clock      func() time.Time
	instance   string
	argsKey    []byte // nil: stored hashes are unkeyed (see binding)

	mu sync.Mutex
	// writable is when this Store last found the database locked (a sweep
	// that failed, or waited long for the write lock), or when it was
	// opened. Sweep judges a lease only once a whole lease has passed
	// since: see sweepInterrupted.
	writable time.Time
}

// Open applies the approval migrations to db and returns a Store on it.
func Open(ctx context.Context, db *store.DB, o Options) (*Store, error) {
	if o.TTL == 0 {
		o.TTL = 30 * time.Minute
	}
	if o.ConfirmTTL == 0 {
		o.ConfirmTTL = 5 * time.Minute
	}
	if o.Lease == 0 {
		o.Lease = 30 * time.Second
	}
	if o.TTL < 0 || o.ConfirmTTL < 0 || o.Lease < 0 {
		return nil, errors.New("open approval store: TTL, ConfirmTTL and Lease must not be negative")
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Instance == "" {
		id, err := defaultInstance()
		if err != nil {
			return nil, fmt.Errorf("open approval store: %w", err)
		}
		o.Instance = id
	}
	argsKey, err := deriveArgsKey(o.Secret)
	if err != nil {
		return nil, fmt.Errorf("open approval store: %w", err)
	}
	if err := store.Migrate(ctx, db, "approval", store.Migrations{SQLite: migrations, Postgres: pgMigrations}); err != nil {
		return nil, fmt.Errorf("open approval store: %w", err)
	}
	return &Store{
		db:         db,
		ttl:        o.TTL,
		confirmTTL: o.ConfirmTTL,
		lease:      o.Lease,
		clock:      o.Clock,
		instance:   o.Instance,
		argsKey:    argsKey,
		writable:   o.Clock(),
	}, nil
}

// Instance is this Store's process identity, as written to Executor.
func (s *Store) Instance() string { return s.instance }

func (s *Store) now() time.Time { return s.clock() }

// NewInstance returns a fresh process identity of the kind Open uses by
// default, for a binary that names itself the same way elsewhere (the audit
// log, sqlite.Presence).
func NewInstance() (string, error) { return defaultInstance() }

// defaultInstance is readable in a listing (host and pid say which process
// ran a request) and unique even when a pid is reused or hosts share a name.
func defaultInstance() (string, error) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	suffix, err := randomString(6)
	if err != nil {
		return "", fmt.Errorf("generate instance id: %w", err)
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), suffix), nil
}

// alphabet has no 0/o, 1/l/i: ids are read aloud and typed by hand.
const alphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// randomString returns n characters drawn uniformly from alphabet with
// crypto/rand (rejection sampling, so no character is more likely).
func randomString(n int) (string, error) {
	const limit = 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
