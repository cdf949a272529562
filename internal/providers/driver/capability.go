package driver

import "slices"

// Capability names an optional feature a command needs.
type Capability string

const (
	CapNone      Capability = ""
	CapPower     Capability = "power"
	CapImages    Capability = "images"
	CapReinstall Capability = "reinstall"
	CapDestroy   Capability = "destroy"
	CapConsole   Capability = "console"
	CapLogin     Capability = "login"
	CapISO       Capability = "iso"
	CapPTR       Capability = "ptr"
	CapSnapshots Capability = "snapshots" // list only
	CapSnapshot  Capability = "snapshot"  // list and create
)

// AllCapabilities lists every optional capability, in display order.
var AllCapabilities = []Capability{CapPower, CapImages, CapReinstall, CapDestroy, CapConsole, CapLogin, CapISO, CapPTR, CapSnapshots, CapSnapshot}

// Capabilities reports what d implements.
func Capabilities(d Driver) []Capability {
	var out []Capability
	for _, c := range AllCapabilities {
		if Has(d, c) {
			out = append(out, c)
		}
	}
	return out
}

// Has reports whether d implements the interface behind c.
func Has(d Driver, c Capability) bool {
	var ok bool
	switch c {
	case CapNone:
		ok = true
	case CapPower:
		_, ok = d.(PowerController)
	case CapImages:
		_, ok = d.(ImageLister)
	case CapReinstall:
		_, ok = d.(Reinstaller)
	case CapDestroy:
		_, ok = d.(Destroyer)
	case CapConsole:
		_, ok = d.(Consoler)
	case CapLogin:
		_, ok = d.(InitialLoginer)
	case CapISO:
		_, ok = d.(ISOMounter)
	case CapPTR:
		_, ok = d.(PTRManager)
	case CapSnapshots:
		_, ok = d.(SnapshotLister)
	case CapSnapshot:
		_, ok = d.(Snapshotter)
	}
	return ok
}

// SupportsPower reports whether d can perform power action a.
func SupportsPower(d Driver, a PowerAction) bool {
	pc, ok := d.(PowerController)
	return ok && slices.Contains(pc.PowerActions(), a)
}
