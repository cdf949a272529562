package glesystest

import (
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/providers/emulator"
)

// Fault is a failure the emulator injects instead of (or before) the real
// answer (see emulator.Fault; Path is e.g. "/server/stop"). An answer
// without Body is the API's envelope with status.code = Status and
// status.text = Message (default: the HTTP status text); a Body is sent
// with Status, default 200.
type Fault = emulator.Fault

// serveFault applies f and reports whether the request is finished.
func serveFault(w http.ResponseWriter, r *http.Request, f *Fault, asJSON bool, now time.Time) bool {
	return f.Serve(w, r, http.StatusOK, nil, func(w http.ResponseWriter, status int, msg string) {
		writeEnvelope(w, asJSON, reply{code: status, text: msg}, nil, now)
	})
}
