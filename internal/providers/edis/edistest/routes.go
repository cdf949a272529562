package edistest

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// route dispatches a parsed POST. Session, order and rDNS paths exist only
// on the primary listener; management paths on both.
func (s *Server) route(w http.ResponseWriter, r *http.Request, node int) {
	p := r.URL.Path
	switch {
	case p == PathAuth && node == 0:
		s.handleAuth(w, r)
		return
	case p == PathCancel && node == 0:
		s.handleCancel(w, r)
		return
	case (p == "/get/ptr" || p == "/set/ptr" || p == "/del/ptr") && node == 0:
		s.handlePTR(w, r)
		return
	}
	h, found := s.mgmt[p]
	if !found {
		writeErr(w, http.StatusNotFound, "unknown endpoint")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.authorize(w, r, node, true)
	if v == nil {
		return
	}
	h(w, r, v)
}

type handler func(w http.ResponseWriter, r *http.Request, v *VPS)

// management returns the api_host handlers; they run with s.mu held.
func (s *Server) management() map[string]handler {
	return map[string]handler{
		"/kvm/v2/get/power":             s.getPower,
		"/kvm/v2/set/poweron":           s.power("poweron"),
		"/kvm/v2/set/poweroff":          s.power("poweroff"), // path unverified in the reference
		"/kvm/v2/set/reset":             s.power("reset"),    // path unverified in the reference
		"/kvm/v2/get/images":            list(osImages),
		"/kvm/v2/get/turnkey_images":    list(turnkeyImages),
		"/kvm/v2/set/reinstall":         s.reinstall(osImages),
		"/kvm/v2/set/turnkey_reinstall": s.reinstall(turnkeyImages),
		"/kvm/v2/get/isos":              list(isos),
		"/kvm/v2/set/mount":             s.mount,
		"/kvm/v2/set/umount":            s.umount,
		"/kvm/v2/get/mount":             getMount,
		"/kvm/v2/set/vnc/enable":        vncEnable,
		"/kvm/v2/get/vnc/status":        vncStatus,
		"/kvm/v2/set/vnc/disable":       vncDisable,
		"/kvm/v2/get/traffic":           traffic,
		"/kvm/v2/get/cpu_usage":         cpuUsage,
	}
}

// getPower reports the power state, advancing a pending transition by one
// poll.
func (s *Server) getPower(w http.ResponseWriter, _ *http.Request, v *VPS) {
	defer s.tickOne(v) // a VPS being cancelled goes after answering
	if t := v.pending; t != nil {
		if t.left > 0 {
			t.left--
			ok(w, map[string]any{"data": t.shows, "traffic_suspended": false})
			return
		}
		v.On, v.pending = t.on, nil
		if t.install != "" {
			v.Image = t.install
		}
	}
	text := textOff
	if v.On {
		text = textOn
	}
	ok(w, map[string]any{"data": text, "traffic_suspended": false})
}

// power returns the handler of a power action.
func (s *Server) power(kind string) handler {
	return func(w http.ResponseWriter, _ *http.Request, v *VPS) {
		if v.pending != nil {
			writeErr(w, http.StatusLocked, "another action is in progress, try again later")
			return
		}
		t := &transition{kind: kind, left: s.steps}
		switch kind {
		case "poweron":
			if v.On {
				refuse(w, "server is already powered on")
				return
			}
			t.on, t.shows = true, textOff
		case "poweroff":
			if !v.On {
				refuse(w, "server is already powered off")
				return
			}
			t.on, t.shows = false, textOn
		case "reset":
			if !v.On {
				refuse(w, "server is not running")
				return
			}
			t.on, t.shows = true, textOff
		}
		v.pending = t
		ok(w, nil)
	}
}

func list(items []string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ *VPS) {
		ok(w, map[string]any{"data": items})
	}
}

// reinstall accepts image from images; password is optional (EDIS may
// take it from cloud-init user data instead).
func (s *Server) reinstall(images []string) handler {
	return func(w http.ResponseWriter, r *http.Request, v *VPS) {
		img := r.PostForm.Get("image")
		switch {
		case img == "":
			writeErr(w, http.StatusBadRequest, "missing required field image")
			return
		case !slices.Contains(images, img):
			writeErr(w, http.StatusBadRequest, "invalid image")
			return
		case v.pending != nil:
			writeErr(w, http.StatusLocked, "another action is in progress, try again later")
			return
		}
		v.pending = &transition{kind: "reinstall", on: true, shows: textReinstall, left: s.steps, install: img}
		if s.plainText {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(reinstallText))
			return
		}
		ok(w, nil)
	}
}

// reinstallText is the plain answer the reference's overview page shows.
const reinstallText = "A Linux reinstall usually finishes in about 5 minutes. No email with credentials is being sent."

func (s *Server) mount(w http.ResponseWriter, r *http.Request, v *VPS) {
	iso, force := r.PostForm.Get("iso"), r.PostForm.Get("force_reset")
	switch {
	case iso == "":
		writeErr(w, http.StatusBadRequest, "missing required field iso")
		return
	case !slices.Contains(isos, iso):
		writeErr(w, http.StatusBadRequest, "invalid iso")
		return
	case force != "" && force != "yes" && force != "no":
		writeErr(w, http.StatusBadRequest, "force_reset must be yes or no")
		return
	}
	v.Mounted = iso
	if force == "yes" && v.On && v.pending == nil {
		v.pending = &transition{kind: "reset", on: true, shows: textOff, left: s.steps}
	}
	ok(w, nil)
}

func (s *Server) umount(w http.ResponseWriter, _ *http.Request, v *VPS) {
	v.Mounted = ""
	ok(w, nil)
}

func getMount(w http.ResponseWriter, _ *http.Request, v *VPS) {
	ok(w, map[string]any{"current_iso": v.Mounted})
}

var vncPW = regexp.MustCompile(`^[A-Za-z0-9]{8}$`)

func vncEnable(w http.ResponseWriter, r *http.Request, v *VPS) {
	pw := r.PostForm.Get("vnc_pw")
	if !vncPW.MatchString(pw) {
		writeErr(w, http.StatusBadRequest, "vnc_pw must be exactly 8 characters [A-Za-z0-9]")
		return
	}
	v.VNCEnabled, v.VNCPassword = true, pw
	ok(w, map[string]any{"vnc_status": "enabled", "novnc_port": noVNCPort, "vnc_port": vncPort, "vnc_host": vncHost})
}

// vncStatus sends vnc_port as a string, as the reference's example does.
func vncStatus(w http.ResponseWriter, _ *http.Request, v *VPS) {
	st := "disabled"
	if v.VNCEnabled {
		st = "enabled"
	}
	ok(w, map[string]any{"vnc_status": st, "novnc_port": noVNCPort, "vnc_port": "5901", "vnc_host": vncHost})
}

func vncDisable(w http.ResponseWriter, _ *http.Request, v *VPS) {
	v.VNCEnabled, v.VNCPassword = false, ""
	ok(w, map[string]any{"msg": "vnc disabled"})
}

// traffic sends two JSON-encoded Chart.js strings (key names are guesses).
func traffic(w http.ResponseWriter, _ *http.Request, _ *VPS) {
	daily := `{"labels":["Jul 10","Jul 11","Jul 12"],"datasets":[{"label":"Daily Traffic [GB]","data":[1.2,3.4,2.1]}]}`
	monthly := `{"labels":["Jul 10","Jul 11","Jul 12"],"datasets":[{"label":"Cumulative Traffic [GB]","data":[1.2,4.6,6.7]},{"label":"Included Traffic [GB]","data":[4000,4000,4000]}]}`
	ok(w, map[string]any{"daily_traffic": daily, "monthly_traffic": monthly})
}

// cpuUsage's shape is not captured by the reference; a chart like traffic.
func cpuUsage(w http.ResponseWriter, _ *http.Request, _ *VPS) {
	ok(w, map[string]any{"data": `{"labels":["10:00","10:05"],"datasets":[{"label":"CPU Usage [%]","data":["3.5","12.5"]}]}`})
}

// handlePTR serves the rDNS host: the session fields plus api_host, and ip
// as JSON (an array for get/del, an object ip→hostname for set).
func (s *Server) handlePTR(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.authorize(w, r, 0, false)
	if v == nil {
		return
	}
	if r.PostForm.Get("api_host") == "" {
		writeErr(w, http.StatusBadRequest, "missing required field api_host")
		return
	}
	raw := r.PostForm.Get("ip")
	owned := func(ip string) bool {
		a, err := netip.ParseAddr(ip)
		return err == nil && slices.ContainsFunc(v.IPs, func(x string) bool { return netip.MustParseAddr(x) == a })
	}
	if r.URL.Path == "/set/ptr" {
		var m map[string]string
		if json.Unmarshal([]byte(raw), &m) != nil || len(m) == 0 {
			writeErr(w, http.StatusBadRequest, "ip must be a JSON object of ip to hostname")
			return
		}
		for ip, host := range m {
			switch {
			case !owned(ip):
				writeErr(w, http.StatusBadRequest, "IP "+ip+" does not belong to "+v.ID)
				return
			case !hostname.MatchString(host):
				writeErr(w, http.StatusBadRequest, "invalid hostname")
				return
			}
		}
		for ip, host := range m {
			v.PTR[canon(ip)] = host
		}
		ok(w, map[string]any{"message": "PTR records set successfully."})
		return
	}
	var ips []string
	if json.Unmarshal([]byte(raw), &ips) != nil || len(ips) == 0 {
		writeErr(w, http.StatusBadRequest, "ip must be a JSON array")
		return
	}
	for _, ip := range ips {
		if !owned(ip) {
			writeErr(w, http.StatusBadRequest, "IP "+ip+" does not belong to "+v.ID)
			return
		}
	}
	if r.URL.Path == "/del/ptr" {
		for _, ip := range ips {
			delete(v.PTR, canon(ip))
		}
		ok(w, nil)
		return
	}
	data := map[string]string{}
	for _, ip := range ips {
		if h, found := v.PTR[canon(ip)]; found {
			data[canon(ip)] = h
		}
	}
	if len(data) == 0 {
		ok(w, map[string]any{"data": []any{}}) // PHP's empty map
		return
	}
	ok(w, map[string]any{"data": data})
}

var hostname = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$`)

func canon(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ip
	}
	return a.String()
}

// Cancellation types of the Order API.
const (
	cancelImmediate   = "Immediate"
	cancelEndOfPeriod = "End of Billing Period"
)

// handleCancel is the Order API's cancel/product: raw credentials, kvmid
// (no underscore) or serviceid, and type.
func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := r.PostForm
	if f.Get("email") != s.email || f.Get("pw") != s.pw {
		writeErr(w, http.StatusUnauthorized, "invalid credentials")
		return
	}
	typ := f.Get("type")
	if typ != cancelImmediate && typ != cancelEndOfPeriod {
		writeErr(w, http.StatusBadRequest, "type must be Immediate or End of Billing Period")
		return
	}
	var v *VPS
	switch {
	case f.Get("kvmid") != "":
		v = s.vpses[f.Get("kvmid")]
	case f.Get("serviceid") != "":
		for _, x := range s.vpses {
			if f.Get("serviceid") == itoa(x.ServiceID) {
				v = x
			}
		}
	default:
		writeErr(w, http.StatusBadRequest, "missing required field kvmid or serviceid")
		return
	}
	if v == nil {
		writeErr(w, http.StatusNotFound, "product not found")
		return
	}
	if v.CancelType != "" {
		refuse(w, "cancellation already requested")
		return
	}
	v.CancelType = typ
	if typ == cancelImmediate {
		v.terminateLeft = s.steps
		if s.steps == 0 {
			s.remove(v.ID)
		}
	}
	ok(w, map[string]any{"serviceid": v.ServiceID, "clientid": 123})
}
