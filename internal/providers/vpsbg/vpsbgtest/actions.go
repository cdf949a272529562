package vpsbgtest

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
)

const lockedMessage = "The server is locked while another operation is in progress. Please try again later."

// power is POST /servers/{id}/start|stop|restart|poweroff. An action that
// would not change the power state is accepted as a no-op (what the real
// API does there is not documented); a server mid-transition answers 423.
func (s *Server) power(w http.ResponseWriter, r *http.Request, sv *server, action string) {
	if !s.actionable(w, r, sv) {
		return
	}
	switch action {
	case "start":
		if !sv.running {
			sv.pending = &transition{kind: action, running: true, left: s.o.steps}
		}
	case "stop", "poweroff":
		if sv.running {
			sv.pending = &transition{kind: action, running: false, left: s.o.steps}
		}
	case "restart":
		if !sv.running {
			writeError(w, http.StatusUnprocessableEntity, "The server is not running.")
			return
		}
		sv.running = false
		sv.pending = &transition{kind: action, running: true, left: s.o.steps}
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": "Request accepted."})
}

// actionable answers the refusals every server action shares: a body that
// is not a JSON object, a lock (423) or a server that is not active. Call
// with s.mu held.
func (s *Server) actionable(w http.ResponseWriter, r *http.Request, sv *server) bool {
	if r.ContentLength != 0 && !isJSON(r) {
		writeError(w, http.StatusUnsupportedMediaType, "The request body must be JSON.")
		return false
	}
	switch {
	case sv.pending != nil:
		writeError(w, http.StatusLocked, lockedMessage)
		return false
	case sv.Status == "terminated":
		notFound(w, "Server", strconv.Itoa(sv.ID))
		return false
	case sv.Status != "active":
		writeError(w, http.StatusUnprocessableEntity, "The server is "+sv.Status+".")
		return false
	}
	return true
}

// reinstall is POST /servers/{id}/reinstall — UNVERIFIED path and body,
// modelled on deploy: image_id (required, an existing image), password
// (optional, 8-72 characters), ssh_keys (optional array of key ids).
func (s *Server) reinstall(w http.ResponseWriter, r *http.Request, sv *server) {
	body := readBody(r)
	var imageID int
	if raw, ok := body["image_id"]; !ok || json.Unmarshal(raw, &imageID) != nil {
		writeInvalid(w, "image_id", "The image id field is required.")
		return
	}
	if s.image(imageID) == nil {
		writeInvalid(w, "image_id", "The selected image id is invalid.")
		return
	}
	if raw, ok := body["password"]; ok {
		var pw string
		if json.Unmarshal(raw, &pw) != nil || len(pw) < 8 || len(pw) > 72 {
			writeInvalid(w, "password", "The password field must be between 8 and 72 characters.")
			return
		}
	}
	if raw, ok := body["ssh_keys"]; ok {
		var keys []int
		if json.Unmarshal(raw, &keys) != nil {
			writeInvalid(w, "ssh_keys", "The ssh keys field must be an array.")
			return
		}
	}
	if !s.actionable(w, r, sv) {
		return
	}
	sv.running = false
	sv.pending = &transition{kind: "reinstall", running: true, imageID: imageID, left: s.o.steps}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": "Reinstall started."})
}

// cancel is POST /servers/{id}/cancel {reason, now} → 204. now=true
// suspends the server at once (VPSBG terminates it later); now=false
// leaves it running until expiry_at. A second request is refused.
func (s *Server) cancel(w http.ResponseWriter, r *http.Request, sv *server) {
	body := readBody(r)
	var reason string
	if raw, ok := body["reason"]; !ok || json.Unmarshal(raw, &reason) != nil || reason == "" {
		writeInvalid(w, "reason", "The reason field is required.")
		return
	}
	var now bool
	if raw, ok := body["now"]; !ok || json.Unmarshal(raw, &now) != nil {
		writeInvalid(w, "now", "The now field must be true or false.")
		return
	}
	switch {
	case sv.Status == "terminated":
		notFound(w, "Server", strconv.Itoa(sv.ID))
		return
	case sv.canceled:
		writeInvalid(w, "server", "A cancellation request for this server already exists.")
		return
	}
	sv.canceled = true
	if now {
		sv.Status, sv.running, sv.pending = "suspended", false, nil
	}
	writeJSON(w, http.StatusNoContent, nil)
}

// Canceled reports whether a cancellation was requested for server id and
// its billing status now.
func (s *Server) Canceled(id string) (canceled bool, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.lookup(id)
	if sv == nil {
		return false, ""
	}
	return sv.canceled, sv.Status
}

func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}
