package edistest

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"time"
)

// sigEntry is what one issued signature is valid for.
type sigEntry struct {
	kvm        string
	validUntil string // as sent in the login response
	expires    time.Time
}

// handleAuth is POST /kvm/v2/get/auth on the session host.
func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PostForm.Get("email") != s.email || r.PostForm.Get("pw") != s.pw {
		writeErr(w, http.StatusUnauthorized, "invalid credentials")
		return
	}
	if s.apiDisabled {
		writeErr(w, http.StatusForbidden, "API access is disabled; enable it in the KVM portal")
		return
	}
	now := s.clock()
	s.tickTermination()
	want := r.PostForm.Get("kvm_id")
	if want != "" && s.vpses[want] == nil {
		writeErr(w, http.StatusNotFound, "kvm_id not found")
		return
	}
	data := map[string]any{}
	for id, v := range s.vpses {
		if want != "" && id != want {
			continue
		}
		sig := signature(s.sigLen)
		exp := now.Add(s.ttl)
		vu := exp.Unix()
		s.sigs[sig] = sigEntry{kvm: id, validUntil: strconv.FormatInt(vu, 10), expires: time.Unix(vu, 0)}
		s.issued = append(s.issued, sig)
		suspended := "n"
		if v.Suspended {
			suspended = "y"
		}
		apiHost, rdns := s.nodes[v.Node], s.nodes[0]
		if v.apiHost != "" {
			apiHost = v.apiHost
		}
		if v.rdnsHost != "" {
			rdns = v.rdnsHost
		}
		data[id] = map[string]any{
			"api_host":      apiHost,
			"api_rdns":      rdns,
			"kvm_id":        id,
			"valid_until":   vu,
			"signature":     sig,
			"suspended":     suspended,
			"description":   v.Description,
			"lps":           v.LPS,
			"lps_ispremium": v.Premium,
			"primary_ip":    v.PrimaryIP,
		}
	}
	if len(data) == 0 {
		ok(w, map[string]any{"data": []any{}}) // PHP encodes an empty map as []
		return
	}
	ok(w, map[string]any{"data": data})
}

// tickTermination advances immediate cancellations by one login.
// Callers hold s.mu.
func (s *Server) tickTermination() {
	for _, v := range s.vpses {
		s.tickOne(v)
	}
}

// tickOne advances v's immediate cancellation, if any, by one step and
// removes v when it is due. Callers hold s.mu.
func (s *Server) tickOne(v *VPS) {
	if v.CancelType == cancelImmediate {
		if v.terminateLeft--; v.terminateLeft <= 0 {
			s.remove(v.ID)
		}
	}
}

// remove deletes VPS id and its signatures.
func (s *Server) remove(id string) {
	delete(s.vpses, id)
	for sig, e := range s.sigs {
		if e.kvm == id {
			delete(s.sigs, sig)
		}
	}
}

// authorize checks the session fields of a management or rDNS call made
// on node and returns the VPS, or writes the refusal and returns nil.
// Callers hold s.mu.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, node int, needNode bool) *VPS {
	for _, f := range []string{"signature", "kvm_id", "valid_until"} {
		if r.PostForm.Get(f) == "" {
			writeErr(w, http.StatusBadRequest, "missing required field "+f)
			return nil
		}
	}
	e, found := s.sigs[r.PostForm.Get("signature")]
	switch {
	case !found || e.kvm != r.PostForm.Get("kvm_id") || e.validUntil != r.PostForm.Get("valid_until"):
		writeErr(w, http.StatusUnauthorized, "invalid signature")
		return nil
	case !s.clock().Before(e.expires):
		writeErr(w, http.StatusUnauthorized, "signature expired; authenticate again")
		return nil
	}
	v := s.vpses[e.kvm]
	if v == nil {
		writeErr(w, http.StatusUnauthorized, "invalid signature")
		return nil
	}
	if needNode && v.Node != node {
		writeErr(w, http.StatusUnauthorized, "kvm_id is not hosted on this node (migrated); authenticate again")
		return nil
	}
	return v
}

// signature returns n random letters and digits (EDIS's have 50).
func signature(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
