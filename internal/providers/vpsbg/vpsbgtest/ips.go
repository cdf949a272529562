package vpsbgtest

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"regexp"
	"strconv"
)

// hostnameRE is the emulator's idea of the API's hostname rule.
var hostnameRE = regexp.MustCompile(`^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$`)

// patchIP is PATCH /ip-addresses/{id} {"ptr": ...}: a hostname (or null,
// UNVERIFIED) for an IPv4 address; for an IPv6 subnet a map of addresses
// inside it to hostnames (null clears one). Answers the IP model.
func (s *Server) patchIP(w http.ResponseWriter, r *http.Request, id string) {
	if !isJSON(r) {
		// Laravel would see no fields in a non-JSON body.
		writeInvalid(w, "ptr", "The ptr field is required.")
		return
	}
	body := readBody(r)
	raw, ok := body["ptr"]
	if !ok {
		writeInvalid(w, "ptr", "The ptr field is required.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ip := s.ipByID(id)
	if ip == nil {
		notFound(w, "IpAddress", id)
		return
	}
	if ip.Version == 4 {
		var host *string
		if json.Unmarshal(raw, &host) != nil || host != nil && !hostnameRE.MatchString(*host) {
			writeInvalid(w, "ptr", "The ptr field must be a valid hostname.")
			return
		}
		ip.PTR4 = host
		writeJSON(w, http.StatusOK, ip.json())
		return
	}
	var m map[string]*string
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		writeInvalid(w, "ptr", "The ptr field must be an object of addresses and hostnames.")
		return
	}
	subnet, err := netip.ParsePrefix(ip.Address + "/" + strconv.Itoa(ip.Prefix))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "Server Error")
		return
	}
	for a, h := range m {
		addr, err := netip.ParseAddr(a)
		if err != nil || !subnet.Contains(addr) {
			writeInvalid(w, "ptr", "The address "+a+" is not part of this subnet.")
			return
		}
		if h != nil && !hostnameRE.MatchString(*h) {
			writeInvalid(w, "ptr", "The ptr field must be a valid hostname.")
			return
		}
	}
	if ip.PTR6 == nil {
		ip.PTR6 = map[string]string{}
	}
	for a, h := range m {
		key := netip.MustParseAddr(a).String()
		if h == nil {
			delete(ip.PTR6, key)
		} else {
			ip.PTR6[key] = *h
		}
	}
	writeJSON(w, http.StatusOK, ip.json())
}

// ipByID finds an address of any server. Call with s.mu held.
func (s *Server) ipByID(id string) *ipAddress {
	n, err := strconv.Atoi(id)
	if err != nil {
		return nil
	}
	for _, sv := range s.servers {
		for _, ip := range sv.IPs {
			if ip.ID == n {
				return ip
			}
		}
	}
	return nil
}

// PTR returns the record the emulator holds for address addr ("" if none).
func (s *Server) PTR(addr string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return ""
	}
	for _, sv := range s.servers {
		for _, ip := range sv.IPs {
			switch {
			case ip.Version == 4 && ip.Address == addr && ip.PTR4 != nil:
				return *ip.PTR4
			case ip.Version == 6:
				if h, ok := ip.PTR6[a.String()]; ok {
					return h
				}
			}
		}
	}
	return ""
}
