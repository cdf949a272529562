package commands

import (
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// The Data of the commands on one server beyond power: images and
// reinstall, delete, console and login, ISOs, PTR records, snapshots.

// ImageList is the Data of images.
type ImageList struct {
	ServerRef
	Images []driver.Image `json:"images" desc:"the images this server can be reinstalled with"`
	Size
}

// ReinstallChange is the Data of reinstall. It never holds the password:
// a generated one is in the result's secret fields, for the requester.
type ReinstallChange struct {
	ServerChange
	Image        string `json:"image" desc:"the image installed"`
	RootPassword string `json:"root_password" desc:"how root logs in: generated (shown once, only to the requester), given (the one in the request) or none (the provider installs SSH keys)"`
	Status       string `json:"status" desc:"the server's status after the reinstall; unknown when it could not be read back"`
}

// DeleteChange is the Data of delete.
type DeleteChange struct {
	ServerChange
	Gone   bool   `json:"gone" desc:"the provider no longer lists the server; false when it accepted a cancellation (see detail) or could not be asked"`
	Status string `json:"status,omitempty" desc:"the server's status when it still exists"`
	Detail string `json:"detail,omitempty" desc:"what the provider does instead of deleting at once, e.g. a billing cancellation"`
}

// ConsoleAccess is the Data of console: what may be shown to anyone. The
// address and credentials are only in the result's secret fields.
type ConsoleAccess struct {
	ServerRef
	Kind      string    `json:"kind" desc:"console kind: vnc, novnc or serial"`
	ExpiresAt time.Time `json:"expires_at,omitzero" desc:"when the credentials stop working"`
}

// InitialLogin is the Data of login, without the password (a secret field).
type InitialLogin struct {
	ServerRef
	Protocol string `json:"protocol" desc:"ssh or rdp"`
	Username string `json:"username" desc:"the user to log in as"`
	Host     string `json:"host,omitempty" desc:"where to log in, when not the server's first address"`
	Cleared  bool   `json:"cleared" desc:"the provider has forgotten the password, so it cannot be read again"`
}

// ISOList is the Data of isos.
type ISOList struct {
	ServerRef
	ISOs []driver.ISO `json:"isos" desc:"the ISO images that can be mounted"`
	Size
}

// ISOChange is the Data of iso mount and iso unmount.
type ISOChange struct {
	ServerChange
	ISO string `json:"iso,omitempty" desc:"the ISO mounted (iso mount only); it boots at the next restart"`
}

// PTRList is the Data of ptr.
type PTRList struct {
	ServerRef
	PTRs []driver.PTR `json:"ptrs" desc:"reverse DNS records of the server's addresses"`
	Size
}

// PTRChange is the Data of ptr set and ptr reset.
type PTRChange struct {
	ServerChange
	IP       string `json:"ip" desc:"the address whose reverse DNS name changed"`
	Hostname string `json:"hostname,omitempty" desc:"its name now (ptr set only; ptr reset restores the provider's default)"`
}

// SnapshotList is the Data of snapshots.
type SnapshotList struct {
	ServerRef
	Snapshots []driver.Snapshot `json:"snapshots" desc:"the server's snapshots"`
	Size
}

// SnapshotChange is the Data of snapshot create.
type SnapshotChange struct {
	ServerChange
	Name string `json:"name" desc:"the snapshot's name"`
}
