package wire

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter reads how long a response asks the client to wait from its
// Retry-After header: delay seconds or an HTTP date, relative to now. A
// missing, unreadable, negative or past value is 0, which leaves the wait
// to the caller's own backoff.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// A provider that asks for more than a day is wrong or hostile;
		// the cap keeps the multiplication from overflowing.
		return time.Duration(min(secs, maxRetryAfter)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// maxRetryAfter (in seconds) bounds what RetryAfter returns.
const maxRetryAfter = 24 * 60 * 60
