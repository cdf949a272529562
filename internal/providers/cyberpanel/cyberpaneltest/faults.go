package cyberpaneltest

import (
	"net/http"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Fault is an injected answer (see emulator.Fault; Path is relative to
// BasePath, e.g. "/vps/45/stop"). It is applied before authentication and
// rate limiting. An answer without Body is the documented envelope
// {"success":false,"error":Message,"error_code":Code,"message":Message};
// its Status defaults to 500. RetryAfter on a 429 also sends X-RateLimit-*
// headers saying nothing remains until then.
type Fault = emulator.Fault

// serveFault applies f and reports whether the request is finished.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	rateLimited := func(w http.ResponseWriter) {
		if f.RetryAfter > 0 && f.Status == http.StatusTooManyRequests {
			f.SetRateLimited(w, 60, s.now())
		}
	}
	return f.Serve(w, r, http.StatusInternalServerError, rateLimited, func(w http.ResponseWriter, status int, msg string) {
		if f.Message == "" && f.Code != "" {
			msg = f.Code
		}
		writeError(w, status, f.Code, msg, msg)
	})
}
