package vpsbg

// Every path, body shape and header name below is a best guess: the wire
// reference (docs/providers/vpsbg.md) marks it UNVERIFIED because
// only the endpoint's name reached the captured docs, or the shape was not
// shown. They live in this one file so that checking them against the real
// API (or the docs once they load) means editing one place. The emulator
// (vpsbgtest) serves the same guesses.

import (
	"strconv"
	"strings"
)

// pathPowerOff is the hard power-off action. UNVERIFIED: the docs list
// "Power off — POST" next to Stop; /poweroff (or /power-off) is inferred.
func pathPowerOff(id int64) string { return "/servers/" + strconv.FormatInt(id, 10) + "/poweroff" }

// pathReinstall is "Reinstall Server — POST". UNVERIFIED path.
func pathReinstall(id int64) string { return "/servers/" + strconv.FormatInt(id, 10) + "/reinstall" }

// reinstallBody is the reinstall request. UNVERIFIED: modelled on deploy
// (POST /servers), which takes image_id, password and ssh_keys.
type reinstallBody struct {
	ImageID  int64  `json:"image_id"`
	Password string `json:"password,omitempty"`
}

// pathImages lists installable images ("Server Images" section).
// UNVERIFIED path; the item shape {id, name, group{name,type,key}} is the
// documented server_image object. Answers are accepted paginated
// ({data, links, meta}) or as a bare array.
const pathImages = "/server-images"

// resetPTRValue is what ResetPTR sends as "ptr" to clear a record.
// UNVERIFIED: the docs do not say whether null or "" clears it; null is
// the Laravel convention for "unset".
var resetPTRValue *string

// Rate-limit headers on a 429. UNVERIFIED names: the docs say there are
// headers for the limit, the remaining count and a retry-after in seconds;
// these are Laravel's throttle middleware names. Retry-After (read by
// wire.RetryAfter) wins; X-RateLimit-Reset (unix seconds) is the fallback.
const headerRateReset = "X-RateLimit-Reset"

// routeMissing recognises Laravel's answer for a path the API does not
// have ("The route v1/servers/1/poweroff could not be found."), so a wrong
// guess above reads as unsupported rather than "server not found".
// UNVERIFIED: the real API's 404 wording was not captured.
func routeMissing(message string) bool {
	return strings.HasPrefix(message, "The route ") && strings.HasSuffix(message, " could not be found.")
}

// Shapes decoded tolerantly because the reference could not confirm them
// (see wire.go): /status and single-resource answers with or without a
// "data" wrapper; the "state" object of GET /servers/{id} (seen only in
// real client code); "prefix" on IPv6 subnet entries (seen on the PATCH
// answer only); metrics timestamps as unix seconds; daily bandwidth
// figures in GB; the error body's "message".
