package emulator

import (
	"sync"
	"time"
)

// Request is one request an emulator received.
type Request struct {
	Method string
	Host   string // "host:port" of the listener
	Path   string // as the emulator routes it
	At     time.Time
}

// Requests counts what an emulator received, faulted requests included,
// so tests can say how often a driver called (a retry, a cache, a rate
// limit). Safe for concurrent use.
type Requests struct {
	mu  sync.Mutex
	log []Request
}

// Record notes one request, at the time now.
func (rs *Requests) Record(method, host, path string, now time.Time) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.log = append(rs.log, Request{Method: method, Host: host, Path: path, At: now})
}

// Matching returns the requests to path ("" any) with method ("" any) on
// host ("" any), in arrival order.
func (rs *Requests) Matching(method, host, path string) []Request {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var out []Request
	for _, r := range rs.log {
		if (method == "" || r.Method == method) && (host == "" || r.Host == host) && (path == "" || r.Path == path) {
			out = append(out, r)
		}
	}
	return out
}

// Count is how many requests Matching returns.
func (rs *Requests) Count(method, host, path string) int {
	return len(rs.Matching(method, host, path))
}

// Arrivals returns when each matching request arrived.
func (rs *Requests) Arrivals(method, host, path string) []time.Time {
	var out []time.Time
	for _, r := range rs.Matching(method, host, path) {
		out = append(out, r.At)
	}
	return out
}
