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

// Feature pairs a capability with the interface a driver implements to
// have it. The pairing is stated once, in the Feature values below (the
// model is rclone's Features.Fill: one table of capability → type
// assertion); Has, Capabilities and the providers' wrapper all derive
// from it, and the wrapper gets the interface from the Feature's type, so
// a capability cannot be checked against one interface and used as
// another.
type Feature[T any] struct{ Cap Capability }

// Of returns d as the feature's interface, and whether d implements it.
func (f Feature[T]) Of(d Driver) (T, bool) {
	v, ok := d.(T)
	return v, ok
}

// The optional features, one per capability.
var (
	FeaturePower     = Feature[PowerController]{CapPower}
	FeatureImages    = Feature[ImageLister]{CapImages}
	FeatureReinstall = Feature[Reinstaller]{CapReinstall}
	FeatureDestroy   = Feature[Destroyer]{CapDestroy}
	FeatureConsole   = Feature[Consoler]{CapConsole}
	FeatureLogin     = Feature[InitialLoginer]{CapLogin}
	FeatureISO       = Feature[ISOMounter]{CapISO}
	FeaturePTR       = Feature[PTRManager]{CapPTR}
	FeatureSnapshots = Feature[SnapshotLister]{CapSnapshots}
	FeatureSnapshot  = Feature[Snapshotter]{CapSnapshot}
)

// features is every Feature, in display order.
var features = []feature{
	FeaturePower.entry(), FeatureImages.entry(), FeatureReinstall.entry(), FeatureDestroy.entry(),
	FeatureConsole.entry(), FeatureLogin.entry(), FeatureISO.entry(), FeaturePTR.entry(),
	FeatureSnapshots.entry(), FeatureSnapshot.entry(),
}

// feature is a Feature with its interface type erased, for the table.
type feature struct {
	cap Capability
	has func(Driver) bool
}

func (f Feature[T]) entry() feature {
	return feature{f.Cap, func(d Driver) bool { _, ok := f.Of(d); return ok }}
}

// AllCapabilities lists every optional capability, in display order.
var AllCapabilities = func() []Capability {
	out := make([]Capability, len(features))
	for i, f := range features {
		out[i] = f.cap
	}
	return out
}()

// Capabilities reports what d implements.
func Capabilities(d Driver) []Capability {
	var out []Capability
	for _, f := range features {
		if f.has(d) {
			out = append(out, f.cap)
		}
	}
	return out
}

// Has reports whether d implements the interface behind c. CapNone is
// had by every driver; an unknown capability by none.
func Has(d Driver, c Capability) bool {
	if c == CapNone {
		return true
	}
	for _, f := range features {
		if f.cap == c {
			return f.has(d)
		}
	}
	return false
}

// SupportsPower reports whether d can perform power action a.
func SupportsPower(d Driver, a PowerAction) bool {
	pc, ok := d.(PowerController)
	return ok && slices.Contains(pc.PowerActions(), a)
}
