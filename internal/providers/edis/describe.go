package edis

import "github.com/vpsops/vpsops/internal/providers/driver"

// DisplayName implements driver.Describer.
func (d *Driver) DisplayName() string { return "EDIS Global" }

// Instead implements driver.Describer. Besides capabilities it answers for
// the power actions EDIS lacks, passed as driver.Capability(action)
// ("stop", "reboot"), so the portable layer can explain them too.
func (d *Driver) Instead(c driver.Capability) string {
	switch c {
	case driver.CapSnapshot, driver.CapSnapshots:
		return "back up from inside the VPS (e.g. restic or borg to off-site storage), or ask EDIS support"
	case driver.Capability(driver.PowerStop):
		return "EDIS has no graceful shutdown API; shut down inside the guest (shutdown -h now), or use poweroff (hard, like pulling the plug)"
	case driver.Capability(driver.PowerReboot):
		return "EDIS has no soft reboot API; reboot inside the guest, or use reset (a hard reset)"
	}
	return ""
}
