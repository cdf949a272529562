package chat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/store"
)

// chatMigrations are the "chat" component's schema, per engine
// (store.Migrate): append new versions, never edit old ones.
//
// 1: a row of chat_deliveries is one delivery acted on, kept until
// expires_at (Unix nanoseconds by the clock of the replica that recorded
// it: keeps are minutes, clock skew between replicas seconds at worst).
// 2: a row of chat_pages is a long list kept for its page buttons
// (StoredPages): its owner, the result as JSON, and until when.
var chatMigrations = store.Migrations{
	SQLite: []string{`CREATE TABLE chat_deliveries (
		key        TEXT    NOT NULL PRIMARY KEY,
		expires_at INTEGER NOT NULL
	) STRICT;
CREATE INDEX chat_deliveries_by_expiry ON chat_deliveries (expires_at)`,
		`CREATE TABLE chat_pages (
		token      TEXT    NOT NULL PRIMARY KEY,
		owner      TEXT    NOT NULL,
		result     TEXT    NOT NULL,
		expires_at INTEGER NOT NULL
	) STRICT;
CREATE INDEX chat_pages_by_expiry ON chat_pages (expires_at)`},
	Postgres: []string{`CREATE TABLE chat_deliveries (
		key        TEXT   NOT NULL PRIMARY KEY,
		expires_at BIGINT NOT NULL
	);
CREATE INDEX chat_deliveries_by_expiry ON chat_deliveries (expires_at)`,
		`CREATE TABLE chat_pages (
		token      TEXT   NOT NULL PRIMARY KEY,
		owner      TEXT   NOT NULL,
		result     TEXT   NOT NULL,
		expires_at BIGINT NOT NULL
	);
CREATE INDEX chat_pages_by_expiry ON chat_pages (expires_at)`},
}

// StoredDeliveries are Deliveries in the database every replica shares:
// a delivery is acted on once, whichever replica it reaches. Each check is
// one conditional statement, so the database orders two replicas racing
// on one key and exactly one of them finds it new. Expired rows are
// pruned now and then by whichever replica checks.
//
// It is safe for concurrent use. It does not own db.
type StoredDeliveries struct {
	db    *store.DB
	clock func() time.Time

	mu         sync.Mutex
	nextPrune  time.Time
	pruneEvery time.Duration
}

// deliveryTimeout bounds one check, so that a database that hangs fails
// the delivery (closed) within the platforms' 3-second acknowledgement.
const deliveryTimeout = 2 * time.Second

// maxKeyLen is the longest key stored as it is; a longer one (a press
// carries the button's value) is stored as its digest, so the primary key
// stays small.
const maxKeyLen = 200

// OpenDeliveries applies the "chat" migrations to db and returns the
// deliveries kept there. clock is time.Now when nil.
func OpenDeliveries(ctx context.Context, db *store.DB, clock func() time.Time) (*StoredDeliveries, error) {
	if err := store.Migrate(ctx, db, "chat", chatMigrations); err != nil {
		return nil, fmt.Errorf("open the chat delivery store: %w", err)
	}
	if clock == nil {
		clock = time.Now
	}
	return &StoredDeliveries{db: db, clock: clock, pruneEvery: time.Minute}, nil
}

// Seen records key until keep from now unless it is recorded and
// unexpired, and reports which. The insert takes an expired row over in
// the same statement, so a key seen again after its keep is new again.
func (d *StoredDeliveries) Seen(ctx context.Context, key string, keep time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	now := d.clock()
	res, err := d.db.ExecContext(ctx, `INSERT INTO chat_deliveries (key, expires_at) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
		WHERE chat_deliveries.expires_at <= ?`,
		storedKey(key), now.Add(keep).UnixNano(), now.UnixNano())
	if err != nil {
		// The key is not quoted: it may be a request's signature.
		return false, fmt.Errorf("check a chat delivery in %s: %w", d.db, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("check a chat delivery in %s: %w", d.db, err)
	}
	d.maybePrune(ctx, now)
	return n == 0, nil
}

// maybePrune deletes the expired rows, at most once a pruneEvery per
// process. A failure is left for the next time: expired rows are never
// taken for live ones, they only take room.
func (d *StoredDeliveries) maybePrune(ctx context.Context, now time.Time) {
	d.mu.Lock()
	if now.Before(d.nextPrune) {
		d.mu.Unlock()
		return
	}
	d.nextPrune = now.Add(d.pruneEvery)
	d.mu.Unlock()
	_, _ = d.Prune(ctx, now)
}

// Prune deletes the deliveries whose keep ended at or before now, and
// returns how many.
func (d *StoredDeliveries) Prune(ctx context.Context, now time.Time) (int64, error) {
	res, err := d.db.ExecContext(ctx, `DELETE FROM chat_deliveries WHERE expires_at <= ?`, now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("prune chat deliveries in %s: %w", d.db, err)
	}
	return res.RowsAffected()
}

// storedKey is key as stored: itself when short, else its digest.
func storedKey(key string) string {
	if len(key) <= maxKeyLen {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}
