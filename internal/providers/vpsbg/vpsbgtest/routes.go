package vpsbgtest

import (
	"net/http"
	"strconv"
	"strings"
)

// route dispatches an authenticated request. Paths the wire reference
// marks UNVERIFIED (poweroff, reinstall, server-images) are served at the
// same best guesses the driver uses; see the driver's unverified.go.
func (s *Server) route(w http.ResponseWriter, r *http.Request, path string) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(seg) == 1 && seg[0] == "servers":
		s.method(w, r, http.MethodGet, s.listServers)
	case len(seg) == 1 && seg[0] == "snapshots":
		s.method(w, r, http.MethodGet, s.listSnapshots)
	case len(seg) == 1 && seg[0] == "server-images": // UNVERIFIED path
		s.method(w, r, http.MethodGet, s.listImages)
	case len(seg) == 2 && seg[0] == "ip-addresses":
		s.method(w, r, http.MethodPatch, func(w http.ResponseWriter, r *http.Request) { s.patchIP(w, r, seg[1]) })
	case len(seg) >= 2 && seg[0] == "servers":
		s.serverRoute(w, r, path, seg[1], strings.Join(seg[2:], "/"))
	default:
		routeNotFound(w, path)
	}
}

func (s *Server) serverRoute(w http.ResponseWriter, r *http.Request, path, id, sub string) {
	with := func(h func(w http.ResponseWriter, r *http.Request, sv *server)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			defer s.mu.Unlock()
			sv := s.lookup(id)
			if sv == nil {
				notFound(w, "Server", id)
				return
			}
			h(w, r, sv)
		}
	}
	switch sub {
	case "":
		s.method(w, r, http.MethodGet, with(s.getServer))
	case "status":
		s.method(w, r, http.MethodGet, with(s.getStatus))
	case "metrics":
		s.method(w, r, http.MethodGet, with(s.getMetrics))
	case "bandwidth":
		s.method(w, r, http.MethodGet, with(s.getBandwidth))
	case "start", "stop", "restart", "poweroff": // poweroff: UNVERIFIED path
		s.method(w, r, http.MethodPost, with(func(w http.ResponseWriter, r *http.Request, sv *server) { s.power(w, r, sv, sub) }))
	case "reinstall": // UNVERIFIED path and body
		s.method(w, r, http.MethodPost, with(s.reinstall))
	case "cancel":
		s.method(w, r, http.MethodPost, with(s.cancel))
	default:
		routeNotFound(w, path)
	}
}

// method serves h if the request uses want, else Laravel's 405.
func (s *Server) method(w http.ResponseWriter, r *http.Request, want string, h http.HandlerFunc) {
	if r.Method != want {
		writeError(w, http.StatusMethodNotAllowed, "The "+r.Method+" method is not supported for route "+
			strings.TrimPrefix(r.URL.Path, "/")+". Supported methods: "+want+".")
		return
	}
	h(w, r)
}

func routeNotFound(w http.ResponseWriter, path string) {
	writeError(w, http.StatusNotFound, "The route v1"+path+" could not be found.")
}

// lookup returns the server with the decimal id, terminated ones
// included. Call with s.mu held.
func (s *Server) lookup(id string) *server {
	n, err := strconv.Atoi(id)
	if err != nil || strconv.Itoa(n) != id {
		return nil
	}
	return s.servers[n]
}

// observe is one read of sv by the client: a pending transition moves a
// step on, and takes effect once its steps are used up. Call with s.mu held.
func (s *Server) observe(sv *server) {
	t := sv.pending
	if t == nil {
		return
	}
	if t.left > 0 {
		t.left--
		return
	}
	sv.running = t.running
	if t.kind == "reinstall" {
		sv.ImageID = t.imageID
	}
	sv.pending = nil
}
