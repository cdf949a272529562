package glesystest

import (
	"net/netip"
	"strings"
	"time"
)

// vm is one emulated server.
type vm struct {
	id, hostname, description    string
	datacenter, platform         string
	template, templateID         string
	cpu, memory, disk, bandwidth int
	running                      bool
	isoFile                      string
	ips                          []string
	pending                      *transition
}

// transition is a power action in progress: the server is locked until
// it has been read pollsLeft more times and until is past.
type transition struct {
	running   bool // the state it ends in
	pollsLeft int
	until     time.Time
}

// ipRecord is one address of the project.
type ipRecord struct {
	address, serverID    string
	datacenter, platform string
	ptr                  string
}

// begin starts a power action on v ending in running.
func (s *Server) begin(v *vm, running bool) {
	v.pending = &transition{running: running, pollsLeft: s.polls, until: s.now().Add(s.delay)}
}

// observe is one read of v's state: it moves a pending action along and
// ends it when its polls and time are used up.
func (s *Server) observe(v *vm) {
	p := v.pending
	if p == nil {
		return
	}
	p.pollsLeft--
	if p.pollsLeft <= 0 && !s.now().Before(p.until) {
		v.running = p.running
		v.pending = nil
	}
}

// SetLocked locks server id as if an operation were running on it, for
// the next polls reads; it reports whether the server exists.
func (s *Server) SetLocked(id string, polls int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.servers[id]
	if v == nil {
		return false
	}
	v.pending = &transition{running: v.running, pollsLeft: polls, until: s.now()}
	return true
}

// Running reports server id's power state and whether it exists.
func (s *Server) Running(id string) (running, exists bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.servers[id]
	if v == nil {
		return false, false
	}
	return v.running, true
}

// PTR returns the reverse record of ip and whether the project has ip.
func (s *Server) PTR(ip string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.ips[ip]
	if r == nil {
		return "", false
	}
	return r.ptr, true
}

// Mounted returns the ISO mounted on server id.
func (s *Server) Mounted(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.servers[id]; v != nil {
		return v.isoFile
	}
	return ""
}

// details renders v as server/details does; state adds the fields
// includestate asks for.
func (v *vm) details(s *Server, state bool) map[string]any {
	var iplist []map[string]any
	for _, ip := range v.ips {
		ver := 4
		if a, err := netip.ParseAddr(ip); err == nil && a.Is6() {
			ver = 6
		}
		iplist = append(iplist, map[string]any{"ipaddress": ip, "version": ver, "cost": 20, "currency": "SEK"})
	}
	m := map[string]any{
		"serverid": v.id, "hostname": v.hostname, "description": v.description,
		"cpucores": v.cpu, "memorysize": v.memory, "disksize": v.disk, "bandwidth": v.bandwidth,
		"datacenter": v.datacenter, "platform": v.platform, "templatename": v.template,
		"iplist": iplist, "additionaldisks": []any{},
		"backup": map[string]any{"enabled": "no", "schedules": []any{}},
	}
	if v.isoFile != "" {
		m["isofile"] = v.isoFile
	} else {
		m["isofile"] = nil
	}
	if v.templateID != "" {
		m["initialtemplate"] = map[string]any{"id": v.templateID, "name": v.template, "currenttags": []string{}}
	}
	if state {
		status := "ready"
		switch {
		case v.pending != nil:
			status = "updating"
		case v.running:
			status = "running"
		}
		m["isrunning"] = v.running
		m["islocked"] = v.pending != nil
		m["status"] = status
	}
	return m
}

// summary renders v as server/list does.
func (v *vm) summary(project string) map[string]any {
	desc := any(nil)
	if v.description != "" {
		desc = v.description
	}
	m := map[string]any{
		"serverid": v.id, "projectkey": project, "hostname": v.hostname,
		"datacenter": v.datacenter, "platform": v.platform, "description": desc,
		"cpucores": v.cpu, "memorysize": v.memory, "disksize": v.disk,
		"transfer": nil, "bandwidth": v.bandwidth, "templatename": v.template,
	}
	if v.templateID != "" {
		m["initialtemplate"] = map[string]any{"id": v.templateID, "name": v.template}
	}
	return m
}

// ipDetails renders r as ip/details does.
func (r *ipRecord) details() map[string]any {
	version := 4
	netmask, gateway, broadcast := "255.255.255.0", "203.0.113.1", "203.0.113.255"
	if a, err := netip.ParseAddr(r.address); err == nil && a.Is6() {
		version, netmask, gateway, broadcast = 6, "64", "2001:db8:750::1", ""
	}
	var sid any
	if r.serverID != "" {
		sid = r.serverID
	}
	return map[string]any{
		"ipaddress": r.address, "ptr": r.ptr, "serverid": sid, "ipversion": version,
		"datacenter": r.datacenter, "platform": r.platform,
		"netmask": netmask, "gateway": gateway, "broadcast": broadcast,
		"nameservers": []string{"195.20.206.80", "195.20.206.81"},
		"reserved":    "yes", "lockedtoaccount": "no",
		"cost": map[string]any{"amount": 20, "currency": "SEK", "timeperiod": "month"},
	}
}

// defaultPTR is the record a fresh address has.
func defaultPTR(ip string) string {
	r := strings.NewReplacer(".", "-", ":", "-").Replace(ip)
	return r + ".static.glesys.example."
}
