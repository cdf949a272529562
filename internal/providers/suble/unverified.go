package suble

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Everything in this file rests on a guess: the Suble v2 reference leaves
// it out or was cut off where it was captured (see
// docs/providers/suble.md, "What rests on a guess"). Each item says
// what it assumes, so it can be fixed in one place once checked against
// the live API.

// DefaultBaseURL is the v2 API host. UNVERIFIED: the v2 pages do not state
// the host; v1 used https://api.suble.io and the paths match v1's layout.
const DefaultBaseURL = "https://api.suble.io"

// Rate-limit headers. UNVERIFIED: the reference names them X-RateLimit-*
// but the captured text was truncated after the prefix. Retry-After is not
// documented at all; it is honoured first (wire.RetryAfter) because it is
// the standard.
const headerRateLimitReset = "X-RateLimit-Reset"

// resetToDelay turns an X-RateLimit-Reset value into a wait. UNVERIFIED
// whether it is a Unix time or seconds from now: a value that looks like a
// Unix time (after 2001) is read as one, anything else as seconds.
func resetToDelay(v string, now time.Time) (time.Duration, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	if n > 1_000_000_000 {
		return time.Unix(n, 0).Sub(now), true
	}
	return time.Duration(n) * time.Second, true
}

// Error messages the reference does not list but the driver must tell
// apart (UNVERIFIED wording; matched case-insensitively as fragments). The
// documented ones live in errors.go.
const (
	// msgAlreadyOffline mirrors the documented "Error, vps is already
	// online." for stop/kill on a stopped server.
	msgAlreadyOffline = "already offline"
	// msgIsOffline is what a reboot or console on a stopped server is
	// assumed to answer ("Error, vps is offline.").
	msgIsOffline = "is offline"
	// msgBusy is assumed for an action while another one runs.
	msgBusy = "busy"
)

// rebuildingStates are the status words assumed while a rebuild runs.
// UNVERIFIED: the reference only shows "running" and calls the field
// Proxmox-style; Proxmox itself reports a lock, not a status, so the live
// API may show "stopped" throughout. The rebuild Operation does not depend
// on these words to end (see rebuildCheck in reinstall.go): a fresh uptime
// or a server stopped for quietStoppedPolls polls ends it as well.
var rebuildingStates = map[string]bool{"installing": true, "rebuilding": true}

// consoleURL builds the websocket URL a noVNC client opens with a console
// ticket. UNVERIFIED: the reference returns only {ticket, secret} and does
// not say how a client uses them; this follows the Proxmox vncwebsocket
// convention under the product's vps path. The secret is the VNC password
// and is never put into the URL.
func consoleURL(base, project, product, ticket string) string {
	u := base + productPath(project, product) + "/console/websocket?ticket=" + url.QueryEscape(ticket)
	if rest, ok := strings.CutPrefix(u, "https://"); ok {
		return "wss://" + rest
	}
	if rest, ok := strings.CutPrefix(u, "http://"); ok {
		return "ws://" + rest
	}
	return u
}

// permList is the Permission header of the product listing. UNVERIFIED:
// the reference lists none for GET /projects/{p}/products, so none is
// sent; a project key scoped to READ_VPS may still be refused there.
const permList = ""

// permDefaultLogin is the Permission header of GET and POST
// .../vps/defaultlogin. UNVERIFIED: the reference lists none for either;
// reading a server's login is a read of that VPS, so READ_VPS is sent.
const permDefaultLogin = permReadVPS
