package demo

import (
	"context"
	"sync"
)

// Store keeps demo fleets. Implementations hand fn a private copy, so fn
// may change it freely; View discards the changes, Update stores them.
type Store interface {
	// View calls fn with provider's fleet (a zero Fleet with no servers if
	// it was never stored).
	View(ctx context.Context, provider string, fn func(f *Fleet) error) error
	// Update calls fn with provider's fleet and stores it if fn returns
	// nil. Updates of one provider are serialised: within the process,
	// and for stores shared by processes, across them.
	Update(ctx context.Context, provider string, fn func(f *Fleet) error) error
}

// memStore keeps fleets in memory as JSON, which gives every caller its
// own copy and makes it behave like the SQLite store.
type memStore struct {
	mu     sync.Mutex
	fleets map[string][]byte
}

// NewMemoryStore returns a Store that lives as long as the process.
func NewMemoryStore() Store { return &memStore{fleets: map[string][]byte{}} }

func (m *memStore) View(ctx context.Context, provider string, fn func(f *Fleet) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	b := m.fleets[provider]
	m.mu.Unlock()
	f, err := decodeFleet(b)
	if err != nil {
		return err
	}
	return fn(f)
}

func (m *memStore) Update(ctx context.Context, provider string, fn func(f *Fleet) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, err := decodeFleet(m.fleets[provider])
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		return err
	}
	b, err := encodeFleet(f)
	if err != nil {
		return err
	}
	m.fleets[provider] = b
	return nil
}
