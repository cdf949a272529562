package vpsbgtest

import (
	"net/http"
	"strconv"
)

// listSnapshots is GET /snapshots?filter[server_id]=: paginated, newest
// first.
func (s *Server) listSnapshots(w http.ResponseWriter, r *http.Request) {
	var want int
	if v := r.URL.Query().Get("filter[server_id]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeInvalid(w, "filter.server_id", "The filter.server_id field must be an integer.")
			return
		}
		want = n
	}
	s.mu.Lock()
	items := []snapshot{}
	for i := len(s.snapshots) - 1; i >= 0; i-- {
		if sn := s.snapshots[i]; want == 0 || sn.ServerID == want {
			items = append(items, sn)
		}
	}
	s.mu.Unlock()
	if p, ok := paginate(w, r, items, s.o.maxPerPage); ok {
		writeJSON(w, http.StatusOK, p)
	}
}

// listImages is GET /server-images — UNVERIFIED path; paginated like the
// other lists.
func (s *Server) listImages(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	items := append([]image(nil), s.images...)
	s.mu.Unlock()
	if p, ok := paginate(w, r, items, s.o.maxPerPage); ok {
		writeJSON(w, http.StatusOK, p)
	}
}
