package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// InteractionsPath is the HTTP interactions endpoint (HTTP mode): the
// application's "Interactions Endpoint URL" is <public base> + this.
const InteractionsPath = "/discord/interactions"

// Unverified is the principal of a request whose signature did not check
// out: nobody can say who sent it.
const Unverified commands.Principal = "discord:unverified"

// Routes adds the interactions endpoint to mux. Each request's signature
// is checked over the raw body (read up to the limit) before anything of
// it is parsed; the answer is the interaction's first response (a
// deferral, PONG, choices), written at once.
func (a *Adapter) Routes(mux *http.ServeMux, refusals *chat.Refusals) error {
	if a.verifier == nil {
		return fault.Errorf(fault.Invalid, "discord: the interactions endpoint needs public_key")
	}
	if refusals == nil {
		refusals = a.refusals
	}
	mux.HandleFunc("POST "+InteractionsPath, func(w http.ResponseWriter, r *http.Request) {
		start, kind := time.Now(), chat.AckRefused
		defer func() { chat.Acked(a.cfg.Acks, Source, kind, start) }()
		body, err := a.verifier.Verify(r)
		if err != nil {
			a.refused(r.Context(), refusals, err)
			http.Error(w, err.Error(), status(err))
			return
		}
		if !json.Valid(body) {
			// Signed, yet not JSON: nothing Discord sends, and no
			// interaction to answer; a plain 400, not "unknown component".
			err := fault.Errorf(fault.Invalid, "discord interaction: not JSON")
			a.refused(r.Context(), refusals, err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var i discordgo.Interaction
		var resp *discordgo.InteractionResponse
		acked := make(chan struct{})
		defer close(acked)
		if err := json.Unmarshal(body, &i); err != nil {
			// Signed by Discord, yet not readable by discordgo (a
			// component type it does not know): say so, privately.
			a.refused(r.Context(), refusals, fault.Errorf(fault.Invalid, "discord interaction: undecodable (%s)", shortType(body)))
			resp = undecodable()
		} else {
			resp, kind = a.interaction(&i, acked), ackKind(i.Type)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	})
	return nil
}

// refused puts a refused request on the record, at most once a minute.
func (a *Adapter) refused(ctx context.Context, refusals *chat.Refusals, err error) {
	a.log.Warn("discord: request refused", "err", err)
	n, write := refusals.Note(a.cfg.Clock())
	if !write {
		return
	}
	_ = a.runner.Refused(ctx, commands.Request{Source: Source, Principal: Unverified},
		fault.Errorf(fault.ClassOf(err), "%s", chat.Summary(err, n)))
}

// shortType names what an undecodable interaction was, for the record:
// its numeric type, nothing it carried.
func shortType(body []byte) string {
	var t struct {
		Type int `json:"type"`
	}
	if json.Unmarshal(body, &t) != nil {
		return "not JSON"
	}
	return "type " + itoaSmall(t.Type)
}

func itoaSmall(n int) string {
	if n < 0 || n > 99 {
		return "?"
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
