package cyberpanel

import "github.com/vpsops/vpsops/internal/providers/driver"

// DisplayName implements driver.Describer.
func (d *Driver) DisplayName() string { return "CyberPanel Cloud" }

// Instead implements driver.Describer with what to do for what the API
// lacks. CapPower is implemented but partial (no hard power off or
// reset), so it gets advice too, for callers that explain a missing
// power action.
func (d *Driver) Instead(c driver.Capability) string {
	switch c {
	case driver.CapReinstall:
		return "create a new server from the wanted template and destroy the old one, or use the panel at platform.cyberpersons.com"
	case driver.CapISO:
		return "boot media cannot be changed; use the console or CyberPanel support"
	case driver.CapPTR:
		return "ask CyberPanel support to set reverse DNS"
	case driver.CapPower:
		return "there is no hard power off or reset; use stop (whether it is graceful is undocumented), then start"
	}
	return ""
}
