package vpsbg

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/providers/wire"
)

// retryAfter reads how long a 429 asks the client to wait: Retry-After
// (wire.RetryAfter), else X-RateLimit-Reset as a unix time; 0 when
// neither says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if d := wire.RetryAfter(h, now); d > 0 {
		return d
	}
	if v := strings.TrimSpace(h.Get(headerRateReset)); v != "" {
		if unix, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Unix(unix, 0).Sub(now).Round(time.Second), 0)
		}
	}
	return 0
}
