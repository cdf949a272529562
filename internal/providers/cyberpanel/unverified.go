package cyberpanel

import "github.com/vpsops/vpsops/internal/providers/driver"

// Everything here rests on parts of the reference (CyberPanel Cloud API
// v1.0.0, the only source; see docs/providers/cyberpanel.md) that it
// leaves open or contradicts. Each item says what is assumed; fix it here when the real
// API is seen.

// UNVERIFIED: the status vocabulary. The list filter documents running,
// stopped and suspended; the create response shows "deploying". Anything
// else (Proxmox words such as "paused" may leak through) maps to unknown.
func mapStatus(word string, suspended bool) (driver.Status, bool) {
	if suspended {
		return driver.StatusSuspended, false
	}
	switch word {
	case "running":
		return driver.StatusRunning, false
	case "stopped":
		return driver.StatusStopped, false
	case "suspended":
		return driver.StatusSuspended, false
	case "deploying":
		return driver.StatusStarting, true // locked until the deployment ends
	}
	return driver.StatusUnknown, false
}

// UNVERIFIED: deployment_status values. The reference shows
// "in_progress|completed|..."; a failed deployment's word is not given, so
// these are guesses (the webhook event is "vps.deployment.failed").
func deploymentFailed(status string) bool {
	switch status {
	case "failed", "error", "cancelled", "canceled":
		return true
	}
	return false
}

// UNVERIFIED: the delete scope. The scope table says vps:delete, the
// Delete endpoint section says vps:write; the message names both.
const deleteScope = "vps:write (and vps:delete)"

// UNVERIFIED: snapshot names. The reference says alphanumeric and
// underscore, while its own list example uses hyphens, and Proxmox (which
// stores them) wants a letter first, then letters, digits, '_' or '-', at
// most 40. The driver allows Proxmox's rule.
const maxSnapshotName = 40

// UNVERIFIED: whether snapshot creation is synchronous. The response says
// "Snapshot created successfully"; CreateSnapshot nevertheless polls the
// list until the snapshot shows, which costs one request if it is.

// UNVERIFIED: stop semantics (ACPI shutdown or hard stop) and restart
// (reboot or reset) are not documented; the driver offers them as stop and
// reboot, and Instead warns that stop may be hard.

// UNVERIFIED: whether console_url works without a Proxmox login (a ticket
// embedded in it). It is handled as a secret either way.

// UNVERIFIED: which window X-RateLimit-* describe (minute or hour) and
// whether rejected requests count; the limiter honours Remaining 0 until
// Reset whichever window it is, and keeps its own count of both.

// Paths, all documented, relative to the base URL.
const (
	pathList      = "/vps"
	pathTemplates = "/vps/templates"
)

func pathVPS(id string) string        { return "/vps/" + id }
func pathStatus(id string) string     { return "/vps/" + id + "/status" }
func pathAction(id, a string) string  { return "/vps/" + id + "/" + a } // start, stop, restart, delete
func pathConsole(id string) string    { return "/vps/" + id + "/console" }
func pathDeployment(id string) string { return "/vps/" + id + "/deployment" }
func pathSnapshots(id string) string  { return "/vps/" + id + "/snapshots" }
func pathSnapshotCreate(id string) string {
	return "/vps/" + id + "/snapshots/create"
}
