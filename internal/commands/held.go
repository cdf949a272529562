package commands

import (
	"maps"
	"slices"
	"sync"
)

// heldSecrets keeps, by request id, the full arguments of the gated
// requests made through this process that carry secrets (a reinstall
// password) or return them. Secrets are never written to the database, so
// such a request can only run here, where its requester is shown the
// result; the watcher starts it once it is approved.
type heldSecrets struct {
	mu      sync.Mutex
	m       map[string]held
	running map[string]bool // held requests a watcher goroutine is running now
}

// held is one request's full arguments, and which of them vpsops
// generated (a root password the requester must be shown).
type held struct {
	args      Args
	generated map[string]bool
}

func (h *heldSecrets) put(id string, args Args, generated map[string]bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]held{}
	}
	h.m[id] = held{args: args, generated: generated}
}

// get returns the held arguments of request id.
func (h *heldSecrets) get(id string) (held, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.m[id]
	return a, ok
}

// forget drops request id's secrets: it ran, or never will.
func (h *heldSecrets) forget(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, id)
}

// ids lists the held requests, in no particular order.
func (h *heldSecrets) ids() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Collect(maps.Keys(h.m))
}

// start marks request id as being run by a watcher goroutine; false when
// one already runs it.
func (h *heldSecrets) start(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running[id] {
		return false
	}
	if h.running == nil {
		h.running = map[string]bool{}
	}
	h.running[id] = true
	return true
}

func (h *heldSecrets) done(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.running, id)
}

// generatedFields are the values vpsops generated for held request id (a
// root password), as secret fields for its requester. They are the
// requester's to keep from the moment the request waits: an MCP client's
// call ends long before the request runs, so every answer to the
// requester while it waits carries them.
func (r *Runner) generatedFields(id string, cmd *Command) []Field {
	h, ok := r.held.get(id)
	if !ok || cmd == nil {
		return nil
	}
	var out []Field
	for _, a := range cmd.Args {
		if h.generated[a.Name] {
			out = append(out, Field{Name: a.Name + " (set when it runs)", Value: h.args.String(a.Name)})
		}
	}
	return out
}
