package cyberpaneltest

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// rateLimit counts requests per key in fixed windows aligned to the clock's
// minute and hour, the usual implementation behind a unix-seconds
// X-RateLimit-Reset. Requests it refuses are not counted.
type rateLimit struct {
	perMinute, perHour int
	minuteStart        time.Time
	hourStart          time.Time
	minuteN, hourN     int
}

// window is one limit's state at a moment.
type window struct {
	limit, remaining int
	reset            time.Time
}

// admit counts a request at now, or refuses it with how long to wait. It
// returns the window to report in the X-RateLimit-* headers: the one with
// the fewest requests remaining (the minute window on a tie). s.mu held.
func (l *rateLimit) admit(now time.Time) (w window, wait time.Duration, ok bool) {
	if ms := now.Truncate(time.Minute); !ms.Equal(l.minuteStart) {
		l.minuteStart, l.minuteN = ms, 0
	}
	if hs := now.Truncate(time.Hour); !hs.Equal(l.hourStart) {
		l.hourStart, l.hourN = hs, 0
	}
	minute := window{l.perMinute, l.perMinute - l.minuteN, l.minuteStart.Add(time.Minute)}
	hour := window{l.perHour, l.perHour - l.hourN, l.hourStart.Add(time.Hour)}
	var full []window
	for _, x := range []window{minute, hour} {
		if x.limit > 0 && x.remaining <= 0 {
			full = append(full, x)
		}
	}
	if len(full) > 0 {
		w = full[len(full)-1] // the later reset: the hour, if both are full
		return w, w.reset.Sub(now), false
	}
	if l.perMinute > 0 {
		l.minuteN++
		minute.remaining--
	}
	if l.perHour > 0 {
		l.hourN++
		hour.remaining--
	}
	switch {
	case l.perMinute <= 0 && l.perHour <= 0:
		return window{}, 0, true
	case l.perMinute <= 0:
		return hour, 0, true
	case l.perHour <= 0 || minute.remaining <= hour.remaining:
		return minute, 0, true
	}
	return hour, 0, true
}

// setHeaders writes the documented X-RateLimit-* headers for w.
func (w window) setHeaders(h http.Header) {
	if w.limit <= 0 {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(w.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(w.remaining, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(w.reset.Unix(), 10))
}

// rateLimited writes the documented 429: the error envelope with
// RATE_LIMIT_EXCEEDED, a message stating the seconds to wait, and
// Retry-After.
func rateLimited(rw http.ResponseWriter, w window, wait time.Duration) {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	w.setHeaders(rw.Header())
	rw.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(rw, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded",
		fmt.Sprintf("Rate limit exceeded. Please wait %d seconds before making another request.", secs))
}
