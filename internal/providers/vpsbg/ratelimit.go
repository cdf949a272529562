package vpsbg

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryAfter reads how long a 429 asks the client to wait: Retry-After in
// seconds or as an HTTP date, else X-RateLimit-Reset as a unix time; 0
// when neither says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get(headerRetryAfter)); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := strings.TrimSpace(h.Get(headerRateReset)); v != "" {
		if unix, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Unix(unix, 0).Sub(now).Round(time.Second), 0)
		}
	}
	return 0
}
