package mcpserver

import (
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vpsops/vpsops/internal/store"
)

const (
	// stateKeyLabel is the HKDF info that turns a configured secret into
	// the requestState key. Its own label means the same secret can also
	// key something else (the audit chain, say) without one key ever
	// being used for two purposes.
	stateKeyLabel = "vpsops/mcp/request-state/v1"
	// stateKeyName is the mcp_keys row of the generated key.
	stateKeyName = "request-state"
	// StateKeySize is the length of the key StateKey returns.
	StateKeySize = 32
	// minConfiguredKey is the shortest configured secret StateKey takes,
	// the floor config applies to audit.hmac_key too: HKDF stretches a
	// secret, it does not make a guessable one strong.
	minConfiguredKey = 16
)

// StateKey returns the key that seals requestStates (see NewSealer).
//
// With a configured secret it is derived from it with HKDF-SHA256 under a
// label of its own, so every process configured alike agrees on it.
// Without one, a random key is generated on first use and kept in the
// database (mcp_keys): every process on the same file then shares it, and
// states survive a restart. Two processes starting at once both try to
// insert their own key, the first insert wins, and both read back the
// winner's.
//
// The key in the database is only as secret as the database file; a
// configured key keeps a reader of the file from forging states.
func StateKey(ctx context.Context, db *store.DB, configured []byte) ([]byte, error) {
	if len(configured) > 0 {
		if len(configured) < minConfiguredKey {
			return nil, fmt.Errorf("request-state key: the configured secret must be at least %d bytes", minConfiguredKey)
		}
		key, err := hkdf.Key(sha256.New, configured, nil, stateKeyLabel, StateKeySize)
		if err != nil {
			return nil, fmt.Errorf("request-state key: %w", err)
		}
		return key, nil
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("request-state key: %w", err)
	}
	fresh := make([]byte, StateKeySize)
	rand.Read(fresh) // never fails (crypto/rand crashes the program rather)
	if _, err := db.ExecContext(ctx,
		`INSERT INTO mcp_keys (name, key) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		stateKeyName, fresh); err != nil {
		return nil, fmt.Errorf("request-state key: store generated key: %w", err)
	}
	var key []byte
	err := db.QueryRowContext(ctx, `SELECT key FROM mcp_keys WHERE name = ?`, stateKeyName).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errors.New("request-state key: the stored key vanished after it was written")
	}
	if err != nil {
		return nil, fmt.Errorf("request-state key: read stored key: %w", err)
	}
	if len(key) != StateKeySize {
		return nil, fmt.Errorf("request-state key: the stored key is %d bytes, want %d", len(key), StateKeySize)
	}
	return key, nil
}
