package demo

import (
	"math"

	"github.com/vpsops/vpsops/internal/config/schema"
)

// Settings is a providers: entry of type demo (besides name, type and
// timeout). The driver itself is built by the application, which holds
// the database the demo fleet lives in.
type Settings struct {
	// Speed scales simulated operation times; 0 means demo.speed.
	Speed float64 `yaml:"speed" json:"speed,omitempty"`
}

// Check implements schema.Settings.
func (s *Settings) Check(p *schema.Problems) {
	if s.Speed < 0 || math.IsNaN(s.Speed) || math.IsInf(s.Speed, 0) {
		p.Add("speed", "must be a positive number (0 means demo.speed)")
	}
}
