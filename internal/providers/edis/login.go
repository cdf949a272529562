package edis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// authResponse is the session host's answer: one entry per VPS keyed by
// kvm_id. Data is raw because PHP encodes an empty map as [].
type authResponse struct {
	envelope
	Data json.RawMessage `json:"data"`
}

// authEntry is one VPS in the login response. Types follow the reference;
// valid_until is raw because examples show both unix seconds and ISO text.
type authEntry struct {
	APIHost     string          `json:"api_host"`
	APIRDNS     string          `json:"api_rdns"`
	KVMID       string          `json:"kvm_id"`
	ValidUntil  json.RawMessage `json:"valid_until"`
	Signature   string          `json:"signature"`
	Suspended   string          `json:"suspended"`
	Description string          `json:"description"`
	LPS         string          `json:"lps"`
	Premium     bool            `json:"lps_ispremium"`
	PrimaryIP   string          `json:"primary_ip"`
}

// login creates sessions for every VPS of the account (or the one kvm_id
// when exactly one is configured), filtered to Config.KVMIDs. Only the
// count is logged.
func (d *Driver) login(ctx context.Context) (map[string]*session, error) {
	form := url.Values{"email": {d.cfg.Email}, "pw": {d.cfg.Password}}
	if len(d.cfg.KVMIDs) == 1 {
		form.Set("kvm_id", d.cfg.KVMIDs[0])
	}
	var resp authResponse
	if err := d.post(ctx, "login", d.sessionURL+pathAuth, form, false, &resp); err != nil {
		var e *fault.Error
		if isAuthFailure(err) && errors.As(err, &e) {
			if e.Class != fault.PermissionDenied {
				e.Class = fault.Unauthenticated
			}
			e.Message = "EDIS login failed (check email and password, and that API access is enabled in the KVM portal): " + e.Message
		}
		return nil, err
	}
	entries := map[string]authEntry{}
	if t := bytes.TrimSpace(resp.Data); len(t) > 0 && !bytes.Equal(t, []byte("[]")) && !bytes.Equal(t, []byte("null")) {
		if err := json.Unmarshal(t, &entries); err != nil {
			return nil, &fault.Error{Class: fault.Unavailable, Message: "malformed response from EDIS to login", Err: err}
		}
	}
	now := d.cfg.Clock()
	out := make(map[string]*session, len(entries))
	for key, e := range entries {
		if e.KVMID == "" {
			e.KVMID = key
		}
		if d.allowed != nil && !d.allowed[e.KVMID] {
			continue
		}
		se, problem := newSession(e, now, d.apiHostAllowed)
		if problem != "" {
			// One odd entry must not hide the rest of the fleet.
			d.cfg.Logger.Warn("edis: skipping a VPS in the login response", "kvm_id", safeID(e.KVMID), "problem", problem)
			continue
		}
		out[se.id] = se
	}
	d.cfg.Logger.Debug("edis: logged in", "vpses", len(out))
	return out, nil
}

// newSession checks one login entry; hostOK decides whether api_host and
// api_rdns may be used. problem says what is wrong without quoting secret
// values (nor the hosts, which are the provider's text).
func newSession(e authEntry, now time.Time, hostOK func(string) bool) (se *session, problem string) {
	switch {
	case !validID(e.KVMID):
		return nil, "kvm_id is malformed"
	case !hostOK(e.APIHost):
		return nil, "api_host is not an acceptable EDIS host"
	case e.APIRDNS != "" && !hostOK(e.APIRDNS):
		return nil, "api_rdns is not an acceptable EDIS host"
	case e.Signature == "" || strings.ContainsAny(e.Signature, "\r\n"):
		return nil, "signature is missing"
	}
	echo, expires, ok := parseValidUntil(e.ValidUntil)
	if !ok {
		return nil, "valid_until is neither unix seconds nor an RFC 3339 time"
	}
	life := expires.Sub(now)
	margin := min(maxRefreshMargin, max(life/10, 0))
	return &session{
		id:         e.KVMID,
		apiHost:    e.APIHost,
		rdnsHost:   e.APIRDNS,
		signature:  e.Signature,
		validUntil: echo,
		expires:    expires,
		renewAt:    expires.Add(-margin),
		name:       e.Description,
		region:     e.LPS,
		premium:    e.Premium,
		suspended:  strings.EqualFold(e.Suspended, "y"),
		primaryIP:  e.PrimaryIP,
	}, ""
}

// parseValidUntil returns the text to echo back and the expiry: a JSON
// number (unix seconds, echoed as written) or a string holding either.
func parseValidUntil(raw json.RawMessage) (echo string, t time.Time, ok bool) {
	s := string(bytes.TrimSpace(raw))
	if strings.HasPrefix(s, `"`) {
		if json.Unmarshal(raw, &s) != nil {
			return "", time.Time{}, false
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return s, time.Unix(n, 0), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return s, t, true
	}
	return "", time.Time{}, false
}

// validHost accepts host or host:port, nothing that could change the URL's
// meaning (no scheme, path, user info, query or spaces).
func validHost(h string) bool {
	if h == "" || len(h) > 255 || strings.ContainsAny(h, "/@?#\\ \t\r\n%") {
		return false
	}
	host := h
	if hh, port, err := net.SplitHostPort(h); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
		host = hh
	}
	u, err := url.Parse("https://" + h + "/")
	return err == nil && u.Hostname() == strings.Trim(host, "[]") && host != ""
}

// edisDomains are the domains EDIS's own hosts live under (reference:
// api_host like 7f3a21.edisglobal.com, api_rdns dns-api.edisglobal.com or
// the older dns-api.edis.at).
var edisDomains = []string{"edisglobal.com", "edis.at"}

// isEDISDomain reports whether host (lower case, no port) is one of
// edisDomains or under one.
func isEDISDomain(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, dom := range edisDomains {
		if host == dom || strings.HasSuffix(host, "."+dom) {
			return true
		}
	}
	return false
}

// apiHostAllowed decides whether an api_host or api_rdns from the login
// response may receive signed requests. The session host's answer is
// trusted only so far: the host must be well-formed, must not be a
// link-local (cloud metadata), unspecified or multicast address, and —
// when the session host is EDIS's own — must be an EDIS host, so a
// tampered or confused answer cannot steer signatures (and root
// passwords) to an arbitrary or internal address. With a custom session
// host (an emulator, a self-hosted proxy) any other host is accepted, as
// the operator chose that host.
func (d *Driver) apiHostAllowed(h string) bool {
	if !validHost(h) {
		return false
	}
	host := h
	if hh, _, err := net.SplitHostPort(h); err == nil {
		host = hh
	}
	host = strings.Trim(host, "[]")
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		if ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
			ip.IsMulticast() || ip.IsUnspecified() {
			return false
		}
	}
	return !d.edisHosts || isEDISDomain(host)
}

// safeID is id if it is well-formed, else a placeholder, for logs.
func safeID(id string) string {
	if validID(id) {
		return id
	}
	return "(malformed)"
}
