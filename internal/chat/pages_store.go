package chat

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/store"
)

// StoredPages are Pages in the database every replica shares: a page
// press works whichever replica it reaches. What is stored is what a page
// shows (pageable): never a secret. Expired rows are pruned now and then
// by whichever replica keeps a list.
//
// It is safe for concurrent use. It does not own db.
type StoredPages struct {
	db    *store.DB
	clock func() time.Time

	mu        sync.Mutex
	nextPrune time.Time
}

// OpenPages applies the "chat" migrations to db and returns the pages
// kept there. clock is time.Now when nil.
func OpenPages(ctx context.Context, db *store.DB, clock func() time.Time) (*StoredPages, error) {
	if err := store.Migrate(ctx, db, "chat", chatMigrations); err != nil {
		return nil, fmt.Errorf("open the chat page store: %w", err)
	}
	if clock == nil {
		clock = time.Now
	}
	return &StoredPages{db: db, clock: clock}, nil
}

func (p *StoredPages) Keep(ctx context.Context, owner commands.Principal, res commands.Result) (string, error) {
	token, err := newToken()
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(pageable(res))
	if err != nil {
		return "", fmt.Errorf("keep a list: %w", err)
	}
	now := p.clock()
	p.prune(ctx, now)
	if _, err := p.db.ExecContext(ctx, `INSERT INTO chat_pages (token, owner, result, expires_at) VALUES (?, ?, ?, ?)`,
		token, string(owner), string(body), now.Add(keepFor).UnixNano()); err != nil {
		return "", fmt.Errorf("keep a list: %w", err)
	}
	return token, nil
}

func (p *StoredPages) Get(ctx context.Context, token string, owner commands.Principal) (commands.Result, bool, error) {
	var body string
	err := p.db.QueryRowContext(ctx, `SELECT result FROM chat_pages WHERE token = ? AND owner = ? AND expires_at > ?`,
		token, string(owner), p.clock().UnixNano()).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return commands.Result{}, false, nil
	}
	if err != nil {
		return commands.Result{}, false, fmt.Errorf("read a kept list: %w", err)
	}
	var res commands.Result
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		return commands.Result{}, false, fmt.Errorf("read a kept list: %w", err)
	}
	return res, true, nil
}

// prune deletes expired pages, at most once a minute per replica; a
// failure leaves them for the next time.
func (p *StoredPages) prune(ctx context.Context, now time.Time) {
	p.mu.Lock()
	due := !now.Before(p.nextPrune)
	if due {
		p.nextPrune = now.Add(time.Minute)
	}
	p.mu.Unlock()
	if due {
		_, _ = p.db.ExecContext(ctx, `DELETE FROM chat_pages WHERE expires_at <= ?`, now.UnixNano())
	}
}
