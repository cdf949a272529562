package providers

// ForgetNames drops the cached name index, so the next lookup by name
// lists the providers afresh. The command layer calls it after a change
// that may remove or rename a server (a delete, a reinstall with a new
// hostname) and when a name led to a server that is gone: otherwise
// `status web-2` right after `delete web-2` would resolve the old id and
// answer with a provider's "no such server" instead of "no server named
// web-2".
func (r *Registry) ForgetNames() {
	r.mu.Lock()
	r.index = nil
	r.mu.Unlock()
}
