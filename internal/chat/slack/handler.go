package slack

import (
	"errors"
	"net/http"

	"github.com/vpsops/vpsops/internal/chat"
)

// Handler verifies each request before next sees it. A request that fails
// verification is answered 401 with one line (413 for a body over the
// limit, which is not read further) and reported to onFail (where
// the caller audits it); next is not called. An exact replay of a verified
// request, by any replica sharing replays, is answered 200 with an empty
// body and dropped, so a request Slack sends twice acts once; when
// replays cannot tell (its database does not answer), the request is
// answered 503 with one line and not acted on. Otherwise next gets the
// verified raw body. replays and onFail may be nil.
func (v *Verifier) Handler(replays chat.Deliveries, onFail func(r *http.Request, err error), next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := v.Verify(r)
		if err != nil {
			if onFail != nil {
				onFail(r, err)
			}
			// One line of fixed text naming what failed: Verify's errors
			// carry no header value, and a read failure's cause stays in
			// err for onFail.
			status := http.StatusUnauthorized
			if errors.Is(err, ErrTooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, err.Error(), status)
			return
		}
		if replays != nil {
			// Verify accepted exactly one signature header.
			seen, err := replays.Seen(r.Context(), signatureKey+r.Header.Get(SignatureHeader), keep)
			if err != nil {
				http.Error(w, chat.ErrDeliveryUnknown.Error(), http.StatusServiceUnavailable)
				return
			}
			if seen {
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		next(w, r, body)
	})
}
