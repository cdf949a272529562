package glesystest

import (
	"net/http"
	"slices"

	"github.com/vpsops/vpsops/internal/providers/wire"
)

// handler answers one API function; s.mu is held.
type handler func(s *Server, in args) reply

// handlers are the functions the emulator implements, by "module/function".
var handlers = map[string]handler{
	"server/list":      serverList,
	"server/details":   serverDetails,
	"server/start":     serverStart,
	"server/stop":      serverStop,
	"server/reboot":    serverReboot,
	"server/destroy":   serverDestroy,
	"server/templates": serverTemplates,
	"server/console":   serverConsole,
	"server/listiso":   serverListISO,
	"server/mountiso":  serverMountISO,
	"ip/details":       ipDetails,
	"ip/setptr":        ipSetPTR,
	"ip/resetptr":      ipResetPTR,
}

// target returns the server named by the serverid argument, or the
// error reply: 400 when it is missing, 404 when no server has it.
func (s *Server) target(in args) (*vm, reply) {
	id, rep := in.require("serverid")
	if rep.code != 0 {
		return nil, rep
	}
	v := s.servers[id]
	if v == nil {
		return nil, fail(http.StatusNotFound, "Server %s not found", id)
	}
	return v, reply{}
}

// idle returns the reply for an action on a locked server, or none.
func idle(v *vm) reply {
	if v.pending != nil {
		return fail(http.StatusBadRequest, "Server %s is locked: another operation is in progress", v.id)
	}
	return reply{}
}

func serverList(s *Server, _ args) reply {
	out := []map[string]any{}
	for _, id := range s.order {
		if v := s.servers[id]; v != nil {
			out = append(out, v.summary(s.project))
		}
	}
	return ok(map[string]any{"servers": out})
}

func serverDetails(s *Server, in args) reply {
	v, rep := s.target(in)
	if rep.code != 0 {
		return rep
	}
	state, _, rep := in.flag("includestate")
	if rep.code != 0 {
		return rep
	}
	s.observe(v)
	return ok(map[string]any{"server": v.details(s, state)})
}

func serverStart(s *Server, in args) reply {
	v, rep := s.target(in)
	if rep.code == 0 {
		rep = idle(v)
	}
	if rep.code != 0 {
		return rep
	}
	if v.running {
		return fail(http.StatusBadRequest, "Server %s is already running", v.id)
	}
	s.begin(v, true)
	return ok(nil)
}

func serverStop(s *Server, in args) reply {
	v, rep := s.target(in)
	if rep.code == 0 {
		rep = idle(v)
	}
	if rep.code != 0 {
		return rep
	}
	typ, given := in.str("type")
	if !given {
		typ = "soft"
	}
	switch typ {
	case "soft", "hard":
		if !v.running {
			return fail(http.StatusBadRequest, "Server %s is not running", v.id)
		}
		s.begin(v, false)
	case "reboot":
		return reboot(s, v)
	default:
		return fail(http.StatusBadRequest, "Invalid value for argument type: expected soft, hard or reboot")
	}
	return ok(nil)
}

func serverReboot(s *Server, in args) reply {
	v, rep := s.target(in)
	if rep.code == 0 {
		rep = idle(v)
	}
	if rep.code != 0 {
		return rep
	}
	return reboot(s, v)
}

func reboot(s *Server, v *vm) reply {
	if !v.running {
		return fail(http.StatusBadRequest, "Server %s is not running", v.id)
	}
	s.begin(v, true)
	return ok(nil)
}

// serverDestroy removes the server at once (the API documents destroy as
// immediate). keepip is required; without keepip the addresses are
// released from the project.
func serverDestroy(s *Server, in args) reply {
	v, rep := s.target(in)
	if rep.code == 0 {
		rep = idle(v)
	}
	if rep.code != 0 {
		return rep
	}
	keep, present, rep := in.flag("keepip")
	if rep.code != 0 {
		return rep
	}
	if !present {
		return fail(http.StatusBadRequest, "Missing required argument: keepip")
	}
	for _, ip := range v.ips {
		if keep {
			s.ips[ip].serverID = ""
		} else {
			delete(s.ips, ip)
		}
	}
	delete(s.servers, v.id)
	s.order = slices.DeleteFunc(s.order, func(id string) bool { return id == v.id })
	return ok(nil)
}

func serverTemplates(*Server, args) reply {
	cost := map[string]any{"amount": 0, "currency": "SEK", "timeperiod": "month"}
	tpl := func(id, name, platform string) map[string]any {
		return map[string]any{
			"id": id, "name": name, "minimumdisksize": 5, "minimummemorysize": 512,
			"operatingsystem": "linux", "platform": platform,
			"instancecost": cost, "licensecost": cost, "bootstrapmethod": "CLOUD_INIT",
		}
	}
	return ok(map[string]any{"templates": map[string]any{
		"KVM": []any{
			tpl("ac7c05f1-4cb6-4330-a0a2-d1f2e6244b21", "AlmaLinux 8", "KVM"),
			tpl(TemplateID, TemplateName, "KVM"),
		},
		"VMware": []any{tpl("5b1e0b4a-7d7c-4c55-9d5e-2f0b6b1c8a11", "Debian 12 (Bookworm)", "VMware")},
	}})
}

// serverConsole answers as KVM does (a web-console URL, host "None") for
// KVM servers and with VNC host, port and password for VMware ones.
func serverConsole(s *Server, in args) reply {
	v, rep := s.target(in)
	if rep.code != 0 {
		return rep
	}
	c := map[string]any{"host": "None", "port": nil, "password": "", "protocol": "",
		"url": "https://console.glesys.example/view/" + v.id + "-3f6c2a9e-ff00-aabb-ccdd-0123456789ab"}
	if v.platform != "KVM" {
		c = map[string]any{"host": "vnc1.glesys.example", "port": 5901, "password": "Vnc-" + v.id + "-pw", "protocol": "vnc", "url": ""}
	}
	return ok(map[string]any{"console": c})
}

func serverListISO(s *Server, in args) reply {
	if _, rep := s.target(in); rep.code != 0 {
		return rep
	}
	return ok(map[string]any{"isofiles": isoFiles})
}

// serverMountISO mounts isofile, or unmounts when it is absent or empty
// (the unmount form is UNVERIFIED against the real API; see the driver's
// unverified.go).
func serverMountISO(s *Server, in args) reply {
	v, rep := s.target(in)
	if rep.code != 0 {
		return rep
	}
	iso, _ := in.str("isofile")
	if iso != "" && !slices.Contains(isoFiles, iso) {
		return fail(http.StatusBadRequest, "Invalid value for argument isofile: no such ISO file")
	}
	v.isoFile = iso
	return ok(map[string]any{"server": v.details(s, false)})
}

// ip returns the project's address named by the ipaddress argument.
func (s *Server) ip(in args) (*ipRecord, reply) {
	addr, rep := in.require("ipaddress")
	if rep.code != 0 {
		return nil, rep
	}
	r := s.ips[addr]
	if r == nil {
		return nil, fail(http.StatusNotFound, "IP address %s not found in this project", addr)
	}
	return r, reply{}
}

func ipDetails(s *Server, in args) reply {
	r, rep := s.ip(in)
	if rep.code != 0 {
		return rep
	}
	return ok(map[string]any{"details": r.details()})
}

func ipSetPTR(s *Server, in args) reply {
	r, rep := s.ip(in)
	if rep.code != 0 {
		return rep
	}
	data, rep := in.require("data")
	if rep.code != 0 {
		return rep
	}
	if !wire.ValidHostname(data) {
		return fail(http.StatusBadRequest, "Invalid value for argument data: not a valid hostname")
	}
	r.ptr = data
	return ok(map[string]any{"details": r.details()})
}

func ipResetPTR(s *Server, in args) reply {
	r, rep := s.ip(in)
	if rep.code != 0 {
		return rep
	}
	r.ptr = defaultPTR(r.address)
	return ok(map[string]any{"details": r.details()})
}
