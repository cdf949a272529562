package providers

import (
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/safetext"
)

// maxDisplay caps one provider-supplied text field shown to people.
const maxDisplay = 200

// displaySafe cleans the text a provider sent about a server before
// anyone sees it: a server named with an ESC sequence must not drive the
// terminal of whoever runs `list`. Ids are left alone (they are validated
// where they are used), everything shown is made one safe line.
func displaySafe(s *driver.Server) {
	s.Name = safetext.Line(s.Name, maxDisplay)
	s.State = safetext.Line(s.State, maxDisplay)
	s.Region = safetext.Line(s.Region, maxDisplay)
	s.Plan = safetext.Line(s.Plan, maxDisplay)
	s.Image = safetext.Line(s.Image, maxDisplay)
	for i := range s.IPv4 {
		s.IPv4[i] = safetext.Line(s.IPv4[i], maxDisplay)
	}
	for i := range s.IPv6 {
		s.IPv6[i] = safetext.Line(s.IPv6[i], maxDisplay)
	}
	for i := range s.Usage {
		s.Usage[i].Name = safetext.Line(s.Usage[i].Name, maxDisplay)
		s.Usage[i].Unit = safetext.Line(s.Usage[i].Unit, maxDisplay)
	}
}
