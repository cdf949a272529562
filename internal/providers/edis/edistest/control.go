package edistest

// Migrate moves VPS id to the other node: its api_host changes, and the
// old node answers its calls with an auth error until the driver logs in
// again. It returns the new api_host.
func (s *Server) Migrate(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.vpses[id]
	if v == nil {
		return ""
	}
	v.Node = 1 - v.Node
	return s.nodes[v.Node]
}

// APIHost returns the api_host of VPS id ("" if it does not exist).
func (s *Server) APIHost(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.vpses[id]; v != nil {
		return s.nodes[v.Node]
	}
	return ""
}

// RevokeSessions invalidates every signature issued so far, as if EDIS
// had expired them early.
func (s *Server) RevokeSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sigs)
}

// SetAPIAccess switches the account's API access (on by default); off
// makes logins answer 403.
func (s *Server) SetAPIAccess(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiDisabled = !on
}

// Snapshot returns a copy of VPS id's state, and whether it exists.
func (s *Server) Snapshot(id string) (VPS, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.vpses[id]
	if v == nil {
		return VPS{}, false
	}
	c := *v
	c.PTR = make(map[string]string, len(v.PTR))
	for k, x := range v.PTR {
		c.PTR[k] = x
	}
	c.IPs = append([]string(nil), v.IPs...)
	c.pending = nil
	return c, true
}

// SetLoginHosts makes the login response name apiHost and rdnsHost
// (verbatim; "" keeps the emulator's own) as VPS id's api_host and
// api_rdns, as a tampered or confused session host might.
func (s *Server) SetLoginHosts(id, apiHost, rdnsHost string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.vpses[id]; v != nil {
		v.apiHost, v.rdnsHost = apiHost, rdnsHost
	}
}
