package suble

import "github.com/vpsops/vpsops/internal/providers/driver"

// DisplayName implements driver.Describer.
func (d *Driver) DisplayName() string { return "Suble.io" }

// Instead implements driver.Describer: what to do for the capabilities
// the v2 API lacks.
func (d *Driver) Instead(c driver.Capability) string {
	switch c {
	case driver.CapDestroy:
		return "delete an hourly-billed server or cancel a subscription in the Suble dashboard (the v2 delete endpoint is undocumented)"
	case driver.CapISO:
		return "rebuild with one of its images (see images), or ask Suble support to attach an ISO"
	case driver.CapPTR:
		return "set reverse DNS in the Suble dashboard under Networking (only the legacy v1 API documents it)"
	case driver.CapSnapshot, driver.CapSnapshots:
		return "take backups inside the server, or use the Suble dashboard"
	}
	return ""
}

// What the driver implements; these fail to compile if one drifts.
var (
	_ driver.Driver          = (*Driver)(nil)
	_ driver.PowerController = (*Driver)(nil)
	_ driver.ImageLister     = (*Driver)(nil)
	_ driver.Reinstaller     = (*Driver)(nil)
	_ driver.Consoler        = (*Driver)(nil)
	_ driver.Describer       = (*Driver)(nil)
)
