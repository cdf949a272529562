package vpsbg

import "github.com/vpsops/vpsops/internal/providers/driver"

// DisplayName implements driver.Describer.
func (d *Driver) DisplayName() string { return "VPSBG" }

// Instead implements driver.Describer: advice for what the API lacks. The
// wrapper prefixes "VPSBG has no <capability> API; ".
func (d *Driver) Instead(c driver.Capability) string {
	switch c {
	case driver.CapConsole:
		return "use the control panel"
	case driver.CapSnapshot:
		return "create snapshots in the control panel (the API only lists them)"
	case driver.CapISO:
		return "mount ISOs in the control panel (the API's ISO endpoints are not documented)"
	}
	return ""
}

// What the driver implements; these fail to compile if a method drifts.
var (
	_ driver.Driver          = (*Driver)(nil)
	_ driver.PowerController = (*Driver)(nil)
	_ driver.Reinstaller     = (*Driver)(nil)
	_ driver.Destroyer       = (*Driver)(nil)
	_ driver.PTRManager      = (*Driver)(nil)
	_ driver.SnapshotLister  = (*Driver)(nil)
	_ driver.Describer       = (*Driver)(nil)
)
