package edis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
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
	if err := d.post(ctx, "login", d.sessionURL+pathAuth, form, &resp); err != nil {
		var e *driver.Error
		if isAuthFailure(err) && errors.As(err, &e) {
			if e.Class != driver.PermissionDenied {
				e.Class = driver.Unauthenticated
			}
			e.Message = "EDIS login failed (check email and password, and that API access is enabled in the KVM portal): " + e.Message
		}
		return nil, err
	}
	entries := map[string]authEntry{}
	if t := bytes.TrimSpace(resp.Data); len(t) > 0 && !bytes.Equal(t, []byte("[]")) && !bytes.Equal(t, []byte("null")) {
		if err := json.Unmarshal(t, &entries); err != nil {
			return nil, &driver.Error{Class: driver.Unavailable, Message: "malformed response from EDIS to login", Err: err}
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
		se, problem := newSession(e, now)
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

// newSession checks one login entry; problem says what is wrong without
// quoting secret values.
func newSession(e authEntry, now time.Time) (se *session, problem string) {
	switch {
	case !validID(e.KVMID):
		return nil, "kvm_id is malformed"
	case !validHost(e.APIHost):
		return nil, "api_host is not a host name"
	case e.APIRDNS != "" && !validHost(e.APIRDNS):
		return nil, "api_rdns is not a host name"
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

// safeID is id if it is well-formed, else a placeholder, for logs.
func safeID(id string) string {
	if validID(id) {
		return id
	}
	return "(malformed)"
}
