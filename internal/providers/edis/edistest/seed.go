package edistest

import "strconv"

// Fixture ids and names, from the reference's examples where it has them.
const (
	RunningID   = "kvm_847362_918273" // the reference's example VPS, powered on
	StoppedID   = "kvm_847362_918274" // powered off
	SuspendedID = "kvm_847362_918275" // suspended ("suspended":"y"), powered on
	MissingID   = "kvm_000000_000000" // well-formed, no such VPS
	RunningIP   = "185.203.118.74"
	RunningIPv6 = "2001:db8::1"
	StoppedIP   = "185.203.118.75"
	Image       = "cloudinit_ubuntu-lts-24-04"
	TurnkeyImg  = "turnkey-wordpress-18.0-bookworm"
	ISO         = "0_SystemRescue-10.02-amd64.iso"
	RunningPTR  = "vps1.example.com"
)

// VPS is one emulated VPS.
type VPS struct {
	ID          string
	Description string
	LPS         string
	Premium     bool
	Suspended   bool
	PrimaryIP   string
	IPs         []string // every address it owns (PTR calls accept these)
	Node        int      // 0 = primary listener, 1 = secondary
	On          bool
	Image       string // installed image
	Mounted     string // current ISO
	VNCEnabled  bool
	VNCPassword string
	PTR         map[string]string
	CancelType  string // "" until cancelled
	ServiceID   int

	pending       *transition
	terminateLeft int    // get/power polls or logins until an immediate cancellation removes it
	apiHost       string // api_host the login names instead of its node's (SetLoginHosts)
	rdnsHost      string // api_rdns likewise
}

// transition is an action that ends after some get/power polls.
type transition struct {
	kind    string // "poweron", "poweroff", "reset", "reinstall"
	on      bool   // power state at the end
	shows   string // get/power text while it runs
	left    int
	install string // image, for reinstalls
}

var (
	osImages      = []string{"cloudinit_almalinux-9", "cloudinit_debian-bookworm", "cloudinit_ubuntu-lts-22-04", Image, "windows-server-2022"}
	turnkeyImages = []string{TurnkeyImg, "turnkey-nextcloud-18.0-bookworm"}
	isos          = []string{ISO, "1_Password-Reset-Helper.iso", "pfSense-2.7.iso"}
)

// Texts of get/power. "server powered on" is documented; the others are
// the emulator's guesses (the driver's unverified.go parses by words).
const (
	textOn        = "server powered on"
	textOff       = "server powered off"
	textReinstall = "reinstall in progress"
	vncHost       = "example.edis.at"
	vncPort       = 5901
	noVNCPort     = 6080
)

func seed() map[string]*VPS {
	return map[string]*VPS{
		RunningID: {ID: RunningID, Description: "v2eu", LPS: "DE", Premium: true, PrimaryIP: RunningIP,
			IPs: []string{RunningIP, RunningIPv6}, On: true, Image: "cloudinit_debian-bookworm",
			PTR: map[string]string{RunningIP: RunningPTR}, ServiceID: 123401},
		StoppedID: {ID: StoppedID, Description: "backup-at", LPS: "AT", PrimaryIP: StoppedIP,
			IPs: []string{StoppedIP}, Image: "cloudinit_almalinux-9", PTR: map[string]string{}, ServiceID: 123402},
		SuspendedID: {ID: SuspendedID, Description: "old-ch", LPS: "CH", Suspended: true, PrimaryIP: "185.203.118.76",
			IPs: []string{"185.203.118.76"}, On: true, Image: "cloudinit_debian-bookworm", PTR: map[string]string{}, ServiceID: 123403},
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
