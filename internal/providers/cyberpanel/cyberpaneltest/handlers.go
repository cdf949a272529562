package cyberpaneltest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// env is the documented response envelope.
type env struct {
	Success   bool   `json:"success"`
	Data      any    `json:"data,omitempty"`
	Error     string `json:"error,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	Message   string `json:"message,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v env) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeOK(w http.ResponseWriter, data any, message string) {
	writeJSON(w, http.StatusOK, env{Success: true, Data: data, Message: message})
}

func writeError(w http.ResponseWriter, status int, code, errText, message string) {
	writeJSON(w, status, env{Error: errText, ErrorCode: code, Message: message})
}

// handler is the whole API: count, faults, auth, rate limit, routes.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	route := func(pattern string, scope string, h func(w http.ResponseWriter, r *http.Request, now time.Time)) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+BasePath+path, func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			defer s.mu.Unlock()
			if scope != "" && !s.hasScope(scope) {
				writeError(w, http.StatusForbidden, "INSUFFICIENT_SCOPE", "Insufficient scope",
					"This API key does not have the required scope: "+scope)
				return
			}
			h(w, r, s.now())
		})
	}
	route("GET /test", "", s.test)
	route("GET /vps", "vps:read", s.list)
	route("GET /vps/templates", "vps:read", s.templates)
	route("GET /vps/plans", "vps:read", s.plans)
	route("GET /vps/locations", "vps:read", s.locations)
	route("GET /vps/{id}", "vps:read", s.details)
	route("GET /vps/{id}/status", "vps:read", s.status)
	route("POST /vps/{id}/start", "vps:write", s.power("start"))
	route("POST /vps/{id}/stop", "vps:write", s.power("stop"))
	route("POST /vps/{id}/restart", "vps:write", s.power("restart"))
	// The endpoint section names vps:write for delete (the scope table says
	// vps:delete); the emulator follows the endpoint section.
	route("POST /vps/{id}/delete", "vps:write", s.delete)
	route("GET /vps/{id}/console", "vps:read", s.console)
	route("GET /vps/{id}/deployment", "vps:read", s.deployment)
	route("GET /vps/{id}/snapshots", "vps:read", s.snapshots)
	route("POST /vps/{id}/snapshots/create", "vps:write", s.createSnapshot)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimPrefix(r.URL.Path, BasePath)
		s.reqs.Record(r.Method, r.Host, path, s.now())
		if f := s.Take(r.Method, r.Host, path); f != nil && s.serveFault(w, r, f) {
			return
		}
		if !strings.HasPrefix(r.URL.Path, BasePath+"/") {
			writeError(w, http.StatusNotFound, "NOT_FOUND", "Not found", "Unknown endpoint")
			return
		}
		switch path {
		case "/health":
			writeOK(w, map[string]any{"status": "healthy", "version": "1.0.0"}, "")
			return
		case "/scopes":
			writeOK(w, map[string]any{"scopes": []string{"vps:read", "vps:write", "vps:delete", "account:read",
				"account:write", "billing:read", "billing:write", "support:read", "support:write", "email:read",
				"email:write", "all"}}, "")
			return
		}
		if !s.admit(w, r) {
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// admit authenticates the request and applies the rate limit, answering
// when it refuses.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	token, bearer := strings.CutPrefix(auth, "Bearer ")
	switch {
	case auth == "":
		writeError(w, http.StatusUnauthorized, "NO_API_KEY", "API key required",
			"Provide your API key in the Authorization header: Bearer cyp_live_...")
		return false
	case !bearer || token != s.key:
		writeError(w, http.StatusUnauthorized, "INVALID_API_KEY", "Invalid API key", "The API key provided is not valid")
		return false
	case s.keyState == KeyExpired:
		writeError(w, http.StatusUnauthorized, "EXPIRED_API_KEY", "API key expired", "This API key has expired")
		return false
	case s.keyState == KeyInactive:
		writeError(w, http.StatusUnauthorized, "INACTIVE_API_KEY", "API key inactive", "This API key has been deactivated")
		return false
	}
	win, wait, ok := s.limit.admit(s.now())
	if !ok {
		s.limited++
		rateLimited(w, win, wait)
		return false
	}
	win.setHeaders(w.Header())
	return true
}

func (s *Server) hasScope(scope string) bool {
	return slices.Contains(s.scopes, scope) || slices.Contains(s.scopes, "all")
}

// find returns the VPS of the {id} path value or answers the documented
// error: 404 VPS_NOT_FOUND, or 400 VPS_DELETED for a deleted one.
func (s *Server) find(w http.ResponseWriter, r *http.Request) *vps {
	id, err := strconv.Atoi(r.PathValue("id"))
	v := s.vps[id]
	if err != nil || v == nil {
		writeError(w, http.StatusNotFound, "VPS_NOT_FOUND", "VPS not found",
			"VPS not found or you don't have access to it")
		return nil
	}
	if v.deleted {
		writeError(w, http.StatusBadRequest, "VPS_DELETED", "VPS has been deleted", "This VPS has been deleted")
		return nil
	}
	return v
}

// read counts one read of v toward its pending power transition.
func (v *vps) read() {
	if v.pending == nil {
		return
	}
	if v.pending.polls <= 0 {
		v.Status, v.pending = v.pending.target, nil
		return
	}
	v.pending.polls--
}

// shown is the status word reads show.
func (v *vps) shown() string {
	if v.Suspended {
		return "suspended"
	}
	return v.Status
}

func (v *vps) summary() map[string]any {
	return map[string]any{"id": v.ID, "vmid": v.VMID, "name": v.Name, "status": v.shown(),
		"ip_address": v.IP, "is_suspended": v.Suspended, "created_at": v.Created.Format(time.RFC3339)}
}

func (s *Server) test(w http.ResponseWriter, r *http.Request, _ time.Time) {
	writeOK(w, map[string]any{"message": "API authentication successful!", "key_name": "Emulator Key",
		"key_prefix": s.key[:min(len(s.key), 12)], "user_email": "user@example.com", "scopes": s.scopes,
		"ip_address": "127.0.0.1", "request_count": s.reqs.Count("", "", "")}, "Your API key is working correctly")
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, _ time.Time) {
	q := r.URL.Query()
	limit, offset := 50, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "INVALID_PARAMETER", "Invalid limit", "limit must be a positive integer")
			return
		}
		limit = min(n, 100) // documented maximum
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "INVALID_PARAMETER", "Invalid offset", "offset must be a non-negative integer")
			return
		}
		offset = n
	}
	var all []map[string]any
	for _, id := range s.order {
		v := s.vps[id]
		if v.deleted || q.Get("status") != "" && v.shown() != q.Get("status") ||
			q.Get("location") != "" && v.Location.Code != q.Get("location") {
			continue
		}
		all = append(all, v.summary())
	}
	page := []map[string]any{}
	if offset < len(all) {
		page = all[offset:min(offset+limit, len(all))]
	}
	writeOK(w, map[string]any{"instances": page, "pagination": map[string]any{
		"total": len(all), "limit": limit, "offset": offset, "has_more": offset+len(page) < len(all)}}, "")
}

func (s *Server) details(w http.ResponseWriter, r *http.Request, _ time.Time) {
	v := s.find(w, r)
	if v == nil {
		return
	}
	v.read()
	d := v.summary()
	d["updated_at"] = v.Updated.Format(time.RFC3339)
	d["plan"] = v.Plan
	d["location"] = v.Location
	d["server"] = map[string]any{"hostname": v.Node}
	d["billing"] = map[string]any{"hourly_rate": "0.0083", "billing_start": v.Created.Format(time.RFC3339),
		"last_billed": v.Updated.Format(time.RFC3339)}
	writeOK(w, d, "")
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, _ time.Time) {
	v := s.find(w, r)
	if v == nil {
		return
	}
	v.read()
	running := v.Status == "running"
	total := int64(v.Plan.RAMMB) << 20
	d := map[string]any{"vps_id": v.ID, "vmid": v.VMID, "name": v.Name, "status": v.shown(), "qmpstatus": v.Status,
		"cpu":            map[string]any{"usage_percent": 0.0, "cores": v.Plan.CPUCores},
		"memory":         map[string]any{"used_bytes": 0, "total_bytes": total, "usage_percent": 0.0},
		"disk":           map[string]any{"read_bytes": 0, "write_bytes": 0},
		"network":        map[string]any{"in_bytes": 0, "out_bytes": 0},
		"uptime_seconds": 0}
	if running {
		d["cpu"] = map[string]any{"usage_percent": v.cpuPercent, "cores": v.Plan.CPUCores}
		d["memory"] = map[string]any{"used_bytes": total / 2, "total_bytes": total, "usage_percent": 50.0}
		d["disk"] = map[string]any{"read_bytes": 1234567890, "write_bytes": 987654321}
		d["network"] = map[string]any{"in_bytes": 5678901234, "out_bytes": 1234567890}
		d["uptime_seconds"] = 86400
		d["pid"] = 12345
	}
	writeOK(w, d, "")
}

// power answers start, stop and restart. The response states the new
// status at once (as documented) while reads show the old one for
// powerPolls reads. Starting a running or stopping a stopped VPS is a
// no-op that succeeds.
func (s *Server) power(action string) func(w http.ResponseWriter, r *http.Request, now time.Time) {
	code := strings.ToUpper(action) + "_FAILED"
	return func(w http.ResponseWriter, r *http.Request, now time.Time) {
		v := s.find(w, r)
		if v == nil {
			return
		}
		if v.Suspended {
			writeError(w, http.StatusForbidden, "VPS_SUSPENDED", "VPS is suspended",
				"This VPS is suspended. Please contact support or add funds.")
			return
		}
		cur := v.Status
		if v.pending != nil {
			cur = v.pending.target
		}
		var target string
		switch {
		case cur == "deploying":
			writeError(w, http.StatusInternalServerError, code, "Failed to "+action+" VPS", "VPS is still being deployed")
			return
		case action == "start":
			target = "running"
		case action == "stop":
			target = "stopped"
		case cur != "running":
			writeError(w, http.StatusInternalServerError, code, "Failed to restart VPS", "VM is not running")
			return
		default:
			target = "running"
		}
		switch {
		case action == "restart":
			v.Status, v.pending = "stopped", &transition{target: "running", polls: s.powerPolls}
		case cur != target:
			v.pending = &transition{target: target, polls: s.powerPolls}
		}
		if action == "start" || action == "restart" {
			v.cpuPercent = 2.5
		}
		v.Updated = now
		d := map[string]any{"id": v.ID, "vmid": v.VMID, "name": v.Name, "status": target, "ip_address": v.IP}
		past := map[string]string{"start": "started", "stop": "stopped", "restart": "restarted"}[action]
		writeOK(w, d, "VPS "+past+" successfully")
	}
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, now time.Time) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	if v := s.vps[id]; v != nil && v.deleted {
		writeError(w, http.StatusBadRequest, "VPS_ALREADY_DELETED", "VPS already deleted", "This VPS has already been deleted")
		return
	}
	v := s.find(w, r)
	if v == nil {
		return
	}
	v.deleted, v.Updated = true, now
	writeOK(w, map[string]any{"deleted": true, "vps_id": v.ID, "name": v.Name, "vmid": v.VMID},
		fmt.Sprintf("VPS %q deleted successfully", v.Name))
}

func (s *Server) console(w http.ResponseWriter, r *http.Request, _ time.Time) {
	v := s.find(w, r)
	if v == nil {
		return
	}
	u := fmt.Sprintf("https://%s.cyberpersons.com:8006/?console=kvm&novnc=1&vmid=%d&node=%s", v.Node, v.VMID, v.Node)
	writeOK(w, map[string]any{"vps_id": v.ID, "console_url": u, "type": "novnc", "expires_in_seconds": 300},
		"Console URL generated. Valid for 5 minutes.")
}

func (s *Server) templates(w http.ResponseWriter, _ *http.Request, _ time.Time) {
	out := []map[string]any{}
	for _, t := range templates {
		out = append(out, map[string]any{"id": t.ID, "name": t.Name, "os": t.OS, "description": t.OS + " template"})
	}
	writeOK(w, map[string]any{"templates": out}, "")
}

func (s *Server) plans(w http.ResponseWriter, _ *http.Request, _ time.Time) {
	out := []map[string]any{}
	for _, p := range plans {
		price, _ := strconv.ParseFloat(p.Price, 64)
		out = append(out, map[string]any{"id": p.ID, "name": p.Name, "cpu_cores": p.CPUCores, "ram_mb": p.RAMMB,
			"disk_gb": p.DiskGB, "bandwidth_gb": p.BandwidthGB, "monthly_price": p.Price,
			"price_hourly": strconv.FormatFloat(price/720, 'f', 4, 64)})
	}
	writeOK(w, map[string]any{"plans": out}, "")
}

func (s *Server) locations(w http.ResponseWriter, _ *http.Request, _ time.Time) {
	out := []map[string]any{}
	for _, l := range locations {
		out = append(out, map[string]any{"code": l.Code, "name": l.Name, "country": l.Country,
			"available_ips": l.IPs, "is_available": l.IPs > 0})
	}
	writeOK(w, map[string]any{"locations": out}, "")
}

// deployment reports deployment progress; each read of a deploying VPS
// completes one more task, and the last one leaves it running.
func (s *Server) deployment(w http.ResponseWriter, r *http.Request, now time.Time) {
	v := s.find(w, r)
	if v == nil {
		return
	}
	if v.deployDone < len(deployTasks) {
		v.deployDone++
		if v.deployDone == len(deployTasks) {
			v.Status, v.cpuPercent, v.Updated = "running", 2.5, now
		}
	}
	done := v.deployDone == len(deployTasks)
	tasks := make([]map[string]any, len(deployTasks))
	var current any
	for i, name := range deployTasks {
		st := "pending"
		switch {
		case i < v.deployDone:
			st = "completed"
		case i == v.deployDone:
			st, current = "in_progress", name
		}
		tasks[i] = map[string]any{"name": name, "status": st, "order": i + 1}
	}
	d := map[string]any{"deployment_status": "in_progress", "vps_status": v.shown(), "current_task": current,
		"progress_percent": v.deployDone * 100 / len(deployTasks), "tasks": tasks, "tasks_completed": v.deployDone,
		"tasks_total": len(deployTasks), "started_at": v.Created.Format(time.RFC3339), "completed_at": nil,
		"is_ready": done}
	if done {
		d["deployment_status"] = "completed"
		d["completed_at"] = v.Updated.Format(time.RFC3339)
		d["access_info"] = map[string]any{"ip_address": v.IP, "ssh_port": 22, "ssh_user": "root"}
	}
	writeOK(w, d, "")
}

func (s *Server) snapshots(w http.ResponseWriter, r *http.Request, _ time.Time) {
	v := s.find(w, r)
	if v == nil {
		return
	}
	writeOK(w, map[string]any{"vps_id": v.ID, "snapshots": append([]snapshot{}, v.snapshots...)}, "")
}

// createSnapshot requires a JSON body with a name. The reference says
// names are alphanumeric + underscore but its own example lists hyphens;
// the emulator accepts Proxmox's rule (a letter, then letters, digits, _
// and -, at most 40). Error codes for a bad body or name are not
// documented: MISSING_FIELDS is, INVALID_SNAPSHOT_NAME and
// SNAPSHOT_EXISTS are guesses.
func (s *Server) createSnapshot(w http.ResponseWriter, r *http.Request, now time.Time) {
	v := s.find(w, r)
	if v == nil {
		return
	}
	if v.Suspended {
		writeError(w, http.StatusForbidden, "VPS_SUSPENDED", "VPS is suspended", "This VPS is suspended.")
		return
	}
	var body struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		IncludeRAM  bool   `json:"include_ram"`
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" || json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body) != nil || body.Name == "" {
		writeError(w, http.StatusBadRequest, "MISSING_FIELDS", "Missing required fields",
			"Required fields: name (send a JSON body with Content-Type: application/json)")
		return
	}
	if !validSnapshotName(body.Name) {
		writeError(w, http.StatusBadRequest, "INVALID_SNAPSHOT_NAME", "Invalid snapshot name",
			"Snapshot name must start with a letter and contain only letters, digits and underscores")
		return
	}
	for _, x := range v.snapshots {
		if x.Name == body.Name {
			writeError(w, http.StatusBadRequest, "SNAPSHOT_EXISTS", "Snapshot already exists",
				"A snapshot with this name already exists")
			return
		}
	}
	sn := snapshot{Name: body.Name, Description: body.Description, CreatedAt: now.UTC().Format(time.RFC3339),
		VMState: body.IncludeRAM}
	v.snapshots = append(v.snapshots, sn)
	writeOK(w, map[string]any{"vps_id": v.ID, "snapshot": map[string]any{"name": sn.Name,
		"description": sn.Description, "created_at": sn.CreatedAt}}, "Snapshot created successfully")
}

func validSnapshotName(n string) bool {
	if n == "" || len(n) > 40 || !(n[0] >= 'a' && n[0] <= 'z' || n[0] >= 'A' && n[0] <= 'Z') {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
