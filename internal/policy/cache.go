package policy

import (
	"sync"
	"sync/atomic"
)

// defaultCacheLimit bounds one generation's cache. Past it the cache is
// dropped and refilled: principals × permissions × servers is small in
// practice, so reaching the limit means churn (or someone probing names),
// and memory must not grow with it.
const defaultCacheLimit = 100_000

// cacheKey identifies one question. kind keeps decisions and gates apart;
// groups (Subject.groupsKey) keeps apart the same principal acting with
// different groups, so one request's groups never answer for another's.
type cacheKey struct {
	kind                            byte   // kindDecision, kindGate or kindAnywhere
	principal, groups, verb, object string // verb: permission or command
}

const (
	kindDecision byte = 'd'
	kindGate     byte = 'g'
	kindAnywhere byte = 'a' // MayAnywhere
)

// gateAnswer is a cached Gate result.
type gateAnswer struct {
	gate Gate
	rule string
}

// cache holds the answers of one generation. It is never cleared in place:
// a reload or an overflow swaps in a new one, so a reader never sees an
// answer from a policy other than the one its snapshot holds.
type cache struct {
	m sync.Map // cacheKey → Decision | gateAnswer
	n atomic.Int64
}

func (c *cache) load(k cacheKey) (any, bool) { return c.m.Load(k) }

// store records an answer and reports whether the cache now holds more
// than limit entries.
func (c *cache) store(k cacheKey, v any, limit int) (full bool) {
	if _, loaded := c.m.LoadOrStore(k, v); loaded {
		return false
	}
	return c.n.Add(1) > int64(limit)
}
