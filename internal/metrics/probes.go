package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/safetext"
)

// readyBudget bounds one readiness check: a probe that hangs is a probe
// that fails, and the orchestrator's own timeout is usually a few seconds.
const readyBudget = 3 * time.Second

// maxReason bounds the line a failed check is answered with.
const maxReason = 200

// Ready answers readiness probes (GET or HEAD /readyz): 200 "ready" when
// check passes, else 503 with one line naming what failed. check is the
// binary's ("the database answers"); it gets the request's context,
// bounded to a few seconds.
func Ready(check func(context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(r.Context(), readyBudget)
		defer cancel()
		if err := check(ctx); err != nil {
			// One line, cleaned: the check's error is the binary's own
			// (a database error names no secret), but it reaches
			// whoever can reach the port.
			http.Error(w, "not ready: "+safetext.Line(err.Error(), maxReason), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ready\n"))
	})
}

// Probes is what an HTTP listener serves beside its own endpoints, with
// no token, as /healthz: /metrics for Prometheus and /readyz for
// orchestrators. (/healthz, which only says the process answers, is the
// listener's own.)
type Probes struct {
	Metrics *Metrics                    // nil: no /metrics
	Ready   func(context.Context) error // nil: no /readyz
	Log     *slog.Logger                // scrape errors; nil: discarded
}

// Mount adds the probes to mux; a nil *Probes adds nothing.
func (p *Probes) Mount(mux *http.ServeMux) {
	if p == nil {
		return
	}
	if p.Metrics != nil {
		mux.Handle("/metrics", p.Metrics.Handler(p.Log))
	}
	if p.Ready != nil {
		mux.Handle("/readyz", Ready(p.Ready))
	}
}
