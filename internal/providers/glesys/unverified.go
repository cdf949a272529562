package glesys

import (
	"errors"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
)

// Everything in this file rests on API behaviour the reference
// (docs/providers/glesys.md) marks UNVERIFIED or does not document.
// It is kept in one place so it is easy to correct against the real API.

// stopSoft and stopHard are server/stop's type values. "soft" is
// documented; UNVERIFIED: that "hard" (a power cut) works on KVM and
// VMware today — legacy docs said only Xen supported it, glesys-go
// documents it without caveat.
const (
	stopSoft = "soft"
	stopHard = "hard"
)

// unmountArgs are the arguments of server/mountiso that unmount the ISO.
// UNVERIFIED: there is no unmount function; the reference presumes
// mountiso without an isofile argument unmounts.
func unmountArgs(id string) any { return serverArgs{ServerID: id} }

// classifyText refines a 400 answer by its status text. UNVERIFIED: the
// API does not document codes for "server locked" or "wrong power state";
// it is assumed to answer 400 with a text saying so. The driver checks the
// state before acting, so this only matters for races.
func classifyText(text string) (c fault.Class, busy, ok bool) {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "locked") || strings.Contains(t, "in progress"):
		return fault.Conflict, true, true
	case strings.Contains(t, "already") || strings.Contains(t, "not running"):
		return fault.Conflict, false, true
	}
	return "", false, false
}

// emptyListAnswer reports whether server/list's err means "no servers":
// legacy behaviour (jclouds) answered 404 for a project without servers.
// UNVERIFIED whether the current API still does, and in what words: the
// jclouds tests cite no status text, so the driver assumes one saying
// there are no servers ("No servers found", "There are no servers in this
// project"). Any other 404 — "Unknown function server/list" from a wrong
// BaseURL, a proxy's bare 404 — is classified normally (NotFound), never
// read as an empty fleet.
func emptyListAnswer(err error) bool {
	var st *statusError
	if fault.ClassOf(err) != fault.NotFound || !errors.As(err, &st) {
		return false
	}
	t := strings.ToLower(st.Text)
	return strings.Contains(t, "no server")
}

// Rate limits: UNVERIFIED. The API documents none; a 429 is handled as
// any HTTP API's would be (client.go: RateLimited with Retry-After).
