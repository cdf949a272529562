package config

import (
	"time"

	"github.com/vpsops/vpsops/internal/config/schema"
)

// Duration is a time.Duration written as a Go duration string (see
// schema.Duration).
type Duration = schema.Duration

// parseDuration parses a duration string. Its error never repeats the input:
// the text may have come from an environment variable.
func parseDuration(s string) (Duration, bool) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, false
	}
	return Duration(d), true
}
