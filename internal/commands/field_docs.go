package commands

import (
	"reflect"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// fieldDocs describes the fields of the types from other packages that
// results carry as they are (the desc tag is this package's vocabulary,
// not theirs). TestOutputSchemasAreDescribedObjects finds any missing.
var fieldDocs = map[reflect.Type]map[string]string{
	reflect.TypeFor[driver.Server](): {
		"id":        "the server's id at its provider (the part of ref after the slash)",
		"name":      "hostname or label",
		"status":    "portable power state: running, stopped, starting, stopping, rebooting, reinstalling, deleting, suspended or unknown",
		"state":     "the provider's own word for the state",
		"locked":    "busy with a task: actions will be refused until it ends",
		"ipv4":      "IPv4 addresses",
		"ipv6":      "IPv6 addresses",
		"region":    "where it runs",
		"plan":      "the provider's plan or product",
		"image":     "the installed image",
		"cpus":      "virtual CPUs",
		"memory_mb": "memory in MB",
		"disk_gb":   "disk in GB",
		"created":   "when it was created",
		"usage":     "current usage metrics the provider reports (traffic, CPU, ...)",
	},
	reflect.TypeFor[driver.Metric](): {
		"name":  "what is measured",
		"value": "the measurement",
		"unit":  "its unit",
	},
	reflect.TypeFor[driver.Image](): {
		"id":   "image id, as reinstall takes it",
		"name": "human name",
		"kind": "the family of image, e.g. os or turnkey, when the provider tells them apart",
	},
	reflect.TypeFor[driver.ISO](): {
		"id":      "ISO id, as iso mount takes it",
		"name":    "human name",
		"mounted": "mounted on this server now",
	},
	reflect.TypeFor[driver.PTR](): {
		"ip":       "the address",
		"hostname": "its reverse DNS name",
	},
	reflect.TypeFor[driver.Snapshot](): {
		"id":      "snapshot id",
		"name":    "its name",
		"created": "when it was taken",
		"size_gb": "its size in GB",
		"status":  "the provider's word for its state",
	},
	reflect.TypeFor[audit.Record](): {
		"seq":         "sequence number: 1-based and gapless, so a missing record shows",
		"time":        "when it was recorded",
		"source":      "where the request came from: shell, slack, discord or mcp",
		"principal":   "who asked",
		"groups":      "further policy subjects the principal acted with, from the platform's signed payload (discord-role:<guild>:<role>)",
		"command":     "the command",
		"target":      "the server as provider/id",
		"args":        "the arguments, secrets redacted",
		"stage":       "requested, rejected, denied, confirm_requested, confirmed, cancelled, approval_requested, approved, approval_denied, expired, executed, interrupted or auth_failed",
		"decision":    "what the policy decided: allow, deny, confirm or approval",
		"rule":        "the policy line that decided",
		"approval_id": "the confirmation or approval request it belongs to",
		"outcome":     "ok or error, once executed",
		"error_class": "the kind of error: invalid, not_found, permission_denied, conflict, unavailable, ...",
		"error":       "what went wrong, in one line",
		"duration_ns": "how long the execution took, in nanoseconds",
		"prev_hash":   "hash of the record before (hex); empty for the first",
		"hash":        "this record's hash (hex), chained over the one before",
	},
}
