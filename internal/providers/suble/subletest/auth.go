package subletest

import (
	"crypto/rand"
	"net/http"
	"strings"
)

// login handles POST /auth/login {"email","password"}.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    *string `json:"email"`
		Password *string `json:"password"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Email == nil || in.Password == nil {
		writeError(w, http.StatusBadRequest, "Missing email or password") // assumed wording
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if pw, ok := s.users[*in.Email]; !ok || pw != *in.Password {
		writeError(w, http.StatusForbidden, "Invalid email or password.") // documented
		return
	}
	access, refresh := s.issue(), newToken("eyJyZWZyZXNo")
	s.refresh[refresh] = true
	writeJSON(w, http.StatusOK, map[string]string{"access_token": access, "refresh_token": refresh})
}

// refreshToken handles POST /auth/refresh {"refresh_token"}: a new access
// token (the reference promises only that).
func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.refresh[in.RefreshToken] {
		writeError(w, http.StatusUnauthorized, "Invalid refresh token") // assumed wording
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"access_token": s.issue()})
}

// issue mints a session access token. The caller holds s.mu.
func (s *Server) issue() string {
	t := newToken("eyJhbGciOiJIUzI1NiJ9")
	s.grants[t] = grant{session: true}
	return t
}

func newToken(prefix string) string { return prefix + "." + rand.Text() }

// authorize checks the bearer token and, when perm is set, that the
// Permission header names exactly perm and the token holds it. It writes
// the refusal and returns false. The caller holds s.mu.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, perm string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	g, known := s.grants[tok]
	if !ok || tok == "" || !known {
		writeError(w, http.StatusUnauthorized, "Unauthorized") // assumed wording
		return false
	}
	if perm == "" {
		return true
	}
	if r.Header.Get("Permission") != perm || g.perms != nil && !g.perms[perm] {
		writeError(w, http.StatusForbidden, "Insufficient permissions to access this resource") // documented
		return false
	}
	return true
}
