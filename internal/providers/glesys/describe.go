package glesys

import "github.com/vpsops/vpsops/internal/providers/driver"

// DisplayName implements driver.Describer.
func (d *Driver) DisplayName() string { return "GleSYS" }

// Instead implements driver.Describer: advice for what GleSYS lacks. The
// wrapper prefixes it with "GleSYS has no <capability> API; ".
func (d *Driver) Instead(c driver.Capability) string {
	switch c {
	case driver.CapReinstall:
		return "use destroy and create, or the control panel"
	case driver.CapSnapshot:
		// The API has manual backups (server/createmanualbackup and
		// friends), but their arguments are undocumented, so vpsops does
		// not call them.
		return "manage backups in the GleSYS control panel"
	}
	return ""
}
