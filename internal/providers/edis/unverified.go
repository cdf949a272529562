package edis

// Everything in this file rests on guesses: the reference marks these
// paths, shapes or behaviours UNVERIFIED (or does not document them at
// all). Keep every such guess here so it is fixed in one place once
// someone probes the real API.

import (
	"encoding/json"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

const (
	// UNVERIFIED path: the "Power Off" page is documented but its path is
	// inferred from set/poweron by symmetry.
	epPowerOff endpoint = "/kvm/v2/set/poweroff"
	// UNVERIFIED path: "HARD RESET" is in the endpoint index; candidates
	// are /kvm/v2/set/reset and /kvm/v2/set/hardreset.
	epReset endpoint = "/kvm/v2/set/reset"
	// Not used: /kvm/v2/get/all_details (UNVERIFIED, seen only in
	// third-party code). GetServer builds a server from the login
	// response, get/power, get/traffic and get/cpu_usage instead.
)

// unverified reports whether e's path is a guess; a 404 there means the
// guess is wrong rather than that the VPS is missing.
func (e endpoint) unverified() bool { return e == epPowerOff || e == epReset }

// parsePower maps get/power's free-text `data` to a portable status.
// Documented: "server powered on". UNVERIFIED: the "off" wording and
// what the text says while a reinstall runs, so the text is matched by
// words: anything mentioning install is a reinstall, then "off", then "on".
func parsePower(text string) driver.Status {
	t := strings.ToLower(text)
	if strings.Contains(t, "install") {
		return driver.StatusReinstalling
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return !(r >= 'a' && r <= 'z') })
	for _, w := range words {
		if w == "off" || w == "stopped" || w == "shutoff" {
			return driver.StatusStopped
		}
	}
	for _, w := range words {
		if w == "on" || w == "running" {
			return driver.StatusRunning
		}
	}
	return driver.StatusUnknown
}

// noISO reports whether get/mount's current_iso means "nothing mounted".
// UNVERIFIED: the empty value (empty string or null are both accepted).
func noISO(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &s) != nil {
		return "", true
	}
	s = strings.TrimSpace(s)
	return s, s == "" || strings.EqualFold(s, "none")
}

// Every answer must be JSON with "status":"success" to count as success
// (client.go), except that a set/ or del/ call answering 2xx with plain
// text (not HTML, not broken JSON) counts as accepted: the overview page
// shows a plain-text answer to reinstall (UNVERIFIED which calls do this).
//
// The error envelope is undocumented: success bodies carry
// "status":"success", and errors are presumed to be
// {"status":"error","msg"|"message":"..."}. These keyword lists classify
// the message text, checked in the order of the switch (UNVERIFIED).
//
// keywordClass classifies an error message from EDIS; auth reports a
// message that means "log in again" (a stale or foreign signature, an
// expired session, a VPS that moved to another node).
func keywordClass(msg string) (c fault.Class, busy, auth bool) {
	m := strings.ToLower(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(m, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("signature", "expired", "session", "unauthori", "authenticat", "credential",
		"login", "not hosted", "migrat", "valid_until"):
		return fault.Unauthenticated, false, true
	case has("in progress", "busy", "locked", "try again later"):
		return fault.Conflict, true, false
	case has("already", "not running", "is running", "powered off"):
		return fault.Conflict, false, false
	case has("not belong", "not assigned", "not owned", "permission", "forbidden", "disabled"):
		return fault.PermissionDenied, false, false
	case has("not found", "no such", "unknown kvm"):
		return fault.NotFound, false, false
	case has("invalid", "missing", "required", "must be", "unknown", "not allowed", "not offered"):
		return fault.Invalid, false, false
	}
	return "", false, false
}

// ptrAPIHostField is the value sent as api_host on PTR calls. The docs' example
// sends the rDNS host itself; whether the VPS's api_host is wanted instead
// is UNVERIFIED.
func ptrAPIHostField(s *session) string { return s.rdnsHost }

// ptrResponse decodes get/ptr. UNVERIFIED shape: "status" plus an
// ip→hostname map, taken from "data" (or "ptr"/"records" if data is absent).
type ptrResponse struct {
	envelope
	Data    phpMap `json:"data"`
	PTR     phpMap `json:"ptr"`
	Records phpMap `json:"records"`
}

// phpMap is a string map that also accepts [] (how PHP's json_encode
// writes an empty array) as empty.
type phpMap map[string]string

func (m *phpMap) UnmarshalJSON(b []byte) error {
	if t := strings.TrimSpace(string(b)); t == "[]" || t == "null" {
		*m = phpMap{}
		return nil
	}
	var plain map[string]string
	if err := json.Unmarshal(b, &plain); err != nil {
		return err
	}
	*m = plain
	return nil
}

func (r *ptrResponse) records() map[string]string {
	for _, m := range []phpMap{r.Data, r.PTR, r.Records} {
		if m != nil {
			return m
		}
	}
	return map[string]string{}
}

// turnkeyPasswordField: set/turnkey_reinstall documents only `image`;
// the root password is sent as `password` like set/reinstall in the hope
// it is honoured (UNVERIFIED). EDIS sends no credentials e-mail.
const turnkeyPasswordField = "password"

// Usage charts: get/traffic returns two fields holding JSON-encoded
// Chart.js data (key names UNVERIFIED); get/cpu_usage's shape is not
// captured at all (UNVERIFIED, presumed the same kind of chart). Both are
// decoded generically by chartSeries in usage.go, which looks at every
// top-level string or object value; these label fragments pick the series.
const (
	labelTrafficUsed     = "cumulative" // "Cumulative Traffic [GB]"
	labelTrafficIncluded = "included"   // "Included Traffic [GB]"
	labelCPU             = "cpu"        // guess
)
