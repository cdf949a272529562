// Package driver declares what a provider driver implements: a small required
// core (list and get servers) and optional capabilities, each its own
// interface. What a driver can do is discovered from the interfaces it
// implements, never listed by hand (the rclone features pattern), so a new
// capability cannot drift out of sync with a driver's declaration.
package driver

import (
	"context"
	"time"
)

// Driver is the core every provider implements.
type Driver interface {
	// ListServers returns every server the credentials can see.
	ListServers(ctx context.Context) ([]Server, error)
	// GetServer returns one server by the provider's own id, with live
	// state where the API has it. An unknown id is a not_found *Error.
	GetServer(ctx context.Context, id string) (*Server, error)
}

// PowerController changes a server's power state.
type PowerController interface {
	// PowerActions lists the actions this provider supports; the others
	// answer unsupported without a call.
	PowerActions() []PowerAction
	Power(ctx context.Context, id string, a PowerAction) (*Operation, error)
}

// ImageLister lists the images (templates) a server could run. Some APIs
// list templates without offering a reinstall, so it stands on its own.
type ImageLister interface {
	Images(ctx context.Context, id string) ([]Image, error)
}

// Reinstaller reinstalls a server's operating system from one of its Images.
type Reinstaller interface {
	ImageLister
	Reinstall(ctx context.Context, id string, o ReinstallOptions) (*Operation, error)
}

// RootPassworder is implemented by a Reinstaller that can tell whether its
// Reinstall sets the root password (some APIs install SSH keys instead).
// A Reinstaller without it is taken to set the password it is given.
type RootPassworder interface {
	SetsRootPassword() bool
}

// Destroyer deletes (or cancels, for billing-level APIs) a server.
type Destroyer interface {
	Destroy(ctx context.Context, id string) (*Operation, error)
}

// Consoler opens a remote console.
type Consoler interface {
	Console(ctx context.Context, id string) (*Console, error)
}

// ISOMounter lists, mounts and unmounts ISO images.
type ISOMounter interface {
	ISOs(ctx context.Context, id string) ([]ISO, error)
	MountISO(ctx context.Context, id, iso string) (*Operation, error)
	UnmountISO(ctx context.Context, id string) (*Operation, error)
}

// PTRManager reads and changes reverse DNS records of a server's addresses.
type PTRManager interface {
	PTRs(ctx context.Context, id string) ([]PTR, error)
	SetPTR(ctx context.Context, id, ip, hostname string) error
	ResetPTR(ctx context.Context, id, ip string) error
}

// SnapshotLister lists a server's snapshots. Some APIs list snapshots
// without offering to create one, so it stands on its own.
type SnapshotLister interface {
	Snapshots(ctx context.Context, id string) ([]Snapshot, error)
}

// Snapshotter lists and creates snapshots.
type Snapshotter interface {
	SnapshotLister
	CreateSnapshot(ctx context.Context, id, name string) (*Operation, error)
}

// InitialLoginer returns the login a provider generated for a fresh server
// (some APIs keep it for a while after creation or a rebuild), and clears
// it at the provider once read, so it does not linger there.
type InitialLoginer interface {
	InitialLogin(ctx context.Context, id string) (*Login, error)
}

// Describer optionally tells how the provider names itself and what to do
// instead of an operation it lacks ("GleSYS has no reinstall API; ...").
type Describer interface {
	// DisplayName is the provider's product name, e.g. "EDIS Global".
	DisplayName() string
	// Instead returns advice for a capability the driver lacks, or "".
	Instead(c Capability) string
}

// Server is the portable view of one VPS.
type Server struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`   // hostname or label
	Status   Status    `json:"status"` // portable power state
	State    string    `json:"state"`  // provider's own word, for display
	Locked   bool      `json:"locked"` // busy with a task; actions will be refused
	IPv4     []string  `json:"ipv4,omitempty"`
	IPv6     []string  `json:"ipv6,omitempty"`
	Region   string    `json:"region,omitempty"`
	Plan     string    `json:"plan,omitempty"`
	Image    string    `json:"image,omitempty"`
	CPUs     int       `json:"cpus,omitempty"`
	MemoryMB int       `json:"memory_mb,omitempty"`
	DiskGB   int       `json:"disk_gb,omitempty"`
	Created  time.Time `json:"created,omitzero"`
	// Usage holds live metrics where the API reports them (cpu, traffic).
	Usage []Metric `json:"usage,omitempty"`
}

// Metric is one named figure with its unit, e.g. {"cpu", 12.5, "%"}.
type Metric struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Status is the portable power state.
type Status string

const (
	StatusRunning      Status = "running"
	StatusStopped      Status = "stopped"
	StatusStarting     Status = "starting"
	StatusStopping     Status = "stopping"
	StatusRebooting    Status = "rebooting"
	StatusReinstalling Status = "reinstalling"
	StatusDeleting     Status = "deleting"
	StatusSuspended    Status = "suspended"
	StatusUnknown      Status = "unknown"
)

// PowerAction is what Power does.
type PowerAction string

const (
	PowerStart     PowerAction = "start"
	PowerStop      PowerAction = "stop"     // graceful (ACPI) shutdown
	PowerReboot    PowerAction = "reboot"   // graceful, or hard reset where that is all the API has
	PowerOff       PowerAction = "poweroff" // hard power off
	PowerHardReset PowerAction = "reset"    // hard reset
)

// Image is an installable operating system image or template.
type Image struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind tells images of different families apart ("os", "turnkey").
	Kind string `json:"kind,omitempty"`
}

// ReinstallOptions says what to install. Password is a secret: drivers must
// never log it or put it into an error.
type ReinstallOptions struct {
	Image    string
	Password string
	Hostname string
}

// Console is how to reach a server's remote console. URL and Password are
// secrets shown only to the requester.
type Console struct {
	Kind      string    `json:"kind"` // "vnc", "novnc", "serial"
	Host      string    `json:"host,omitempty"`
	Port      int       `json:"port,omitempty"`
	URL       string    `json:"url,omitempty"`
	Password  string    `json:"password,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Login is a server's initial credentials. Password is a secret shown only
// to the requester.
type Login struct {
	Protocol string `json:"protocol"` // "ssh", "rdp"
	Host     string `json:"host,omitempty"`
	Username string `json:"username"`
	Password string `json:"password"`
	// Cleared says the provider no longer keeps it (it was read once).
	Cleared bool `json:"cleared"`
}

// ISO is a mountable image; Mounted marks the current one.
type ISO struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Mounted bool   `json:"mounted,omitempty"`
}

// PTR is one reverse DNS record.
type PTR struct {
	IP       string `json:"ip"`
	Hostname string `json:"hostname"`
}

// Snapshot is a point-in-time copy of a server's disk.
type Snapshot struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created,omitzero"`
	SizeGB  float64   `json:"size_gb,omitempty"`
	Status  string    `json:"status,omitempty"`
}
