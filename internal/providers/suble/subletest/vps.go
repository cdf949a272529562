package subletest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
)

// route dispatches r to its handler; s.mu is not held.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/auth/login" && r.Method == http.MethodPost:
		s.login(w, r)
	case r.URL.Path == "/auth/refresh" && r.Method == http.MethodPost:
		s.refreshToken(w, r)
	case len(parts) == 3 && parts[0] == "projects" && parts[2] == "products" && r.Method == http.MethodGet:
		s.list(w, r, parts[1])
	case len(parts) == 6 && parts[0] == "projects" && parts[2] == "products" && parts[4] == "vps":
		s.vps(w, r, parts[1], parts[3], parts[5])
	default:
		writeError(w, http.StatusNotFound, "Not found")
	}
}

// endpoints maps a vps endpoint to its method and Permission header.
var endpoints = map[string]struct{ method, perm string }{
	"status":  {http.MethodGet, PermReadVPS},
	"control": {http.MethodPost, PermVPSControl},
	"console": {http.MethodGet, PermConsoleVNC},
	"rebuild": {http.MethodPost, PermVPSDelete},
	// GET reads, POST clears. The reference lists no permission; READ_VPS
	// is assumed (the driver sends the same).
	"defaultlogin": {"", PermReadVPS},
}

// list handles GET /projects/{p}/products[?detailed=true].
func (s *Server) list(w http.ResponseWriter, r *http.Request, project string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authorize(w, r, "") || !s.checkProject(w, project) {
		return
	}
	detailed := r.URL.Query().Get("detailed") == "true"
	out := make([]map[string]any, 0, len(s.products))
	for _, p := range s.products {
		e := map[string]any{"uid": p.UID, "type": p.Type, "name": p.Name}
		if detailed && p.Type == "vps" {
			e["details"] = map[string]any{"ipv4": p.IPv4, "ipv6": p.IPv6, "status": map[bool]string{true: "online", false: "offline"}[p.Running]}
		}
		out = append(out, e)
	}
	writeJSON(w, http.StatusOK, out)
}

// vps handles /projects/{p}/products/{id}/vps/{endpoint}.
func (s *Server) vps(w http.ResponseWriter, r *http.Request, project, id, endpoint string) {
	ep, ok := endpoints[endpoint]
	if !ok {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	if ep.method != "" && r.Method != ep.method || ep.method == "" && r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authorize(w, r, ep.perm) || !s.checkProject(w, project) {
		return
	}
	p := s.find(id)
	if p == nil {
		writeError(w, http.StatusNotFound, "Product not found") // assumed wording
		return
	}
	switch endpoint {
	case "status":
		s.advance(p)
		writeJSON(w, http.StatusOK, p.status(!s.quiet))
	case "control":
		s.control(w, r, p)
	case "console":
		s.console(w, p)
	case "rebuild":
		s.rebuild(w, r, p)
	case "defaultlogin":
		s.defaultLogin(w, r, p)
	}
}

func (s *Server) checkProject(w http.ResponseWriter, project string) bool {
	if project != s.project {
		writeError(w, http.StatusNotFound, "Project not found") // documented
		return false
	}
	return true
}

// find returns VPS product id. The caller holds s.mu.
func (s *Server) find(id string) *product {
	for _, p := range s.products {
		if p.UID == id && p.Type == "vps" {
			return p
		}
	}
	return nil
}

// advance counts one status poll against p's action and applies it when
// its polls are used up. The caller holds s.mu.
func (s *Server) advance(p *product) {
	t := p.pending
	if t == nil {
		return
	}
	if t.left--; t.left > 0 {
		return
	}
	s.finish(p)
}

// finish applies p's pending action. The caller holds s.mu.
func (s *Server) finish(p *product) {
	switch p.pending.kind {
	case "start", "reboot":
		p.Running, p.BootedAt = true, time.Now()
	case "rebuild":
		if s.rebuildStarts {
			p.Running, p.BootedAt = true, time.Now()
		}
	case "stop", "kill":
		p.Running = false
	}
	p.pending = nil
}

// status is the P/status body of the reference; rebuildWord says whether
// a rebuild under way shows as "installing".
func (p *product) status(rebuildWord bool) map[string]any {
	st := map[string]any{
		"qemu": map[string]any{"agent": p.Running, "version": "7.2.0"},
		"cpus": p.CPUs, "disk": p.DiskBytes, "maxdisk": p.MaxDiskBytes,
	}
	word, uptime, cpu, used := "stopped", 0, 0.0, 0
	if p.Running {
		word, uptime, cpu, used = "running", int(time.Since(p.BootedAt).Seconds()), 15.5, p.MemoryMB/2
	}
	if rebuildWord && p.pending != nil && p.pending.kind == "rebuild" {
		word = "installing" // assumed: the reference shows no rebuild state
	}
	st["status"], st["uptime"], st["cpu"] = word, fmt.Sprintf("%ds", uptime), cpu
	st["memory"] = map[string]any{"usedMB": used, "total": p.MemoryMB, "percent": float64(used) * 100 / float64(max(p.MemoryMB, 1))}
	return st
}

// control handles POST P/control {"action": start|stop|kill|reboot}.
func (s *Server) control(w http.ResponseWriter, r *http.Request, p *product) {
	var in struct {
		Action string `json:"action"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	switch {
	case !slices.Contains([]string{"start", "stop", "kill", "reboot"}, in.Action):
		writeError(w, http.StatusBadRequest, "Invalid action") // assumed wording
		return
	case p.pending != nil:
		writeError(w, http.StatusConflict, "Error, the vps is busy.") // assumed
		return
	case in.Action == "start" && p.Running:
		writeError(w, http.StatusBadRequest, "Error, vps is already online.") // documented
		return
	case (in.Action == "stop" || in.Action == "kill") && !p.Running:
		writeError(w, http.StatusBadRequest, "Error, vps is already offline.") // assumed mirror
		return
	case in.Action == "reboot" && !p.Running:
		writeError(w, http.StatusBadRequest, "Error, vps is offline.") // assumed
		return
	}
	s.serial++
	now := time.Now().UTC()
	action := map[string]any{"uid": fmt.Sprintf("action_%06d", s.serial), "command": in.Action, "created": now.Format(time.RFC3339), "finished": nil}
	s.begin(p, in.Action)
	if p.pending == nil {
		action["finished"] = now.Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "action": action})
}

// begin starts kind on p, finishing at once when steps is 0.
func (s *Server) begin(p *product, kind string) {
	p.pending = &transition{kind: kind, left: s.steps}
	if s.steps == 0 {
		s.finish(p)
	}
}

// console handles GET P/console: a fresh ticket and secret.
func (s *Server) console(w http.ResponseWriter, p *product) {
	if !p.Running {
		writeError(w, http.StatusBadRequest, "Error, vps is offline.") // assumed
		return
	}
	s.serial++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "ticket": fmt.Sprintf("action_%06d", s.serial), "secret": "vnc_" + newToken("secret")})
}

// rebuild handles POST P/rebuild {"os","version","sshkeys"}.
func (s *Server) rebuild(w http.ResponseWriter, r *http.Request, p *product) {
	var in struct {
		OS      string   `json:"os"`
		Version string   `json:"version"`
		SSHKeys []string `json:"sshkeys"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	switch {
	case in.OS == "" || in.Version == "":
		writeError(w, http.StatusBadRequest, "Missing os or version") // assumed wording
		return
	case !slices.Contains(images[in.OS], in.Version):
		writeError(w, http.StatusBadRequest, "Invalid os or version") // assumed wording
		return
	case p.pending != nil:
		writeError(w, http.StatusConflict, "Error, the vps is busy.") // assumed
		return
	case p.Running:
		writeError(w, http.StatusBadRequest, "Error, the vps must be offline to rebuild.") // documented
		return
	}
	s.begin(p, "rebuild")
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}

// readJSON decodes a JSON request body into v, refusing another content
// type or malformed JSON with a 400 as the API's validation does.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusBadRequest, "Invalid request body, expected JSON") // assumed wording
		return false
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request body") // assumed wording
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the documented envelope {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// defaultLogin handles GET .../vps/defaultlogin (the kept credentials, or
// the documented 400 once they are gone) and POST (clears them).
func (s *Server) defaultLogin(w http.ResponseWriter, r *http.Request, p *product) {
	if r.Method == http.MethodPost {
		p.login = nil
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
		return
	}
	if p.login == nil {
		writeError(w, http.StatusBadRequest, "Default password no longer available") // documented
		return
	}
	writeJSON(w, http.StatusOK, p.login)
}
