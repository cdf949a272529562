package glesystest

// Fixture values of a fresh emulator, taken from the examples in the
// GleSYS reference (docs/providers/glesys.md) where it has them.
const (
	// Project and APIKey are the credentials a fresh emulator accepts.
	Project = "cl43212"
	APIKey  = "glesystest-apikey-5f1d2c9a7e"

	// RunningID is a running KVM server with ISO and PTR fixtures.
	RunningID   = "kvm3652342"
	RunningName = "testvm5"
	RunningIPv4 = "203.0.113.121"
	RunningIPv6 = "2001:db8:750::121"

	// StoppedID is a stopped VMware server (the reference's ISO examples
	// use a wps… id).
	StoppedID   = "wps123456"
	StoppedName = "testvm6"
	StoppedIPv4 = "203.0.113.122"

	// LegacyID is a running VMware server whose console answer is the
	// host/port/password kind rather than a URL.
	LegacyID = "wps654321"

	// MissingID is a well-formed id no server has.
	MissingID = "kvm9999999"

	// ISOFile is a mountable ISO of every server.
	ISOFile = "OpenBSD/7.4/amd64/cd74.iso"

	// TemplateID and TemplateName are RunningID's template.
	TemplateID   = "f4521a83-e541-47b2-bc09-94161fe8b40d"
	TemplateName = "Ubuntu 22.04 LTS (Jammy Jellyfish)"
)

// isoFiles are the ISOs server/listiso offers every server.
var isoFiles = []string{"OpenBSD/7.4/amd64/cd74.iso", "OpenBSD/7.4/amd64/install74.iso", "Debian/12/debian-12.5.0-amd64-netinst.iso"}

// seed fills a fresh emulator. s.mu need not be held: nothing else can
// see s yet.
func (s *Server) seed() {
	s.servers = map[string]*vm{}
	s.ips = map[string]*ipRecord{}
	s.order = nil
	s.add(&vm{
		id: RunningID, hostname: RunningName, datacenter: "Falkenberg", platform: "KVM",
		cpu: 1, memory: 2048, disk: 30, bandwidth: 100,
		template: TemplateName, templateID: TemplateID, running: true,
	}, RunningIPv4, RunningIPv6)
	s.add(&vm{
		id: StoppedID, hostname: StoppedName, datacenter: "Stockholm", platform: "VMware",
		cpu: 2, memory: 4096, disk: 50, bandwidth: 100,
		template: "Debian 12 (Bookworm)", description: "staging",
	}, StoppedIPv4)
	s.add(&vm{
		id: LegacyID, hostname: "legacy1", datacenter: "Stockholm", platform: "VMware",
		cpu: 1, memory: 1024, disk: 20, bandwidth: 100,
		template: "Debian 12 (Bookworm)", running: true,
	}, "203.0.113.123")
}

// add registers v with its addresses.
func (s *Server) add(v *vm, ips ...string) {
	s.servers[v.id] = v
	s.order = append(s.order, v.id)
	for _, ip := range ips {
		v.ips = append(v.ips, ip)
		s.ips[ip] = &ipRecord{address: ip, serverID: v.id, datacenter: v.datacenter, platform: v.platform, ptr: defaultPTR(ip)}
	}
}
