package slack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// Paths of the HTTP endpoints, as the app manifest names them.
const (
	CommandsPath     = "/slack/commands"
	InteractionsPath = "/slack/interactions"
)

// Routes adds the HTTP endpoints to mux (HTTP mode). Each request's
// signature is checked over the raw body before anything of it is parsed;
// the answer is an empty 200 at once, and the reply follows through the
// response_url.
func (a *Adapter) Routes(mux *http.ServeMux) error {
	if a.verifier == nil {
		return fault.Errorf(fault.Invalid, "slack: HTTP endpoints need a signing secret")
	}
	mux.Handle("POST "+CommandsPath, a.acked(chat.AckCommand, a.verifier.Handler(a.delivered, a.refused, a.serveCommand)))
	// Interactions are the app's button presses: it has no other
	// interactive component.
	mux.Handle("POST "+InteractionsPath, a.acked(chat.AckPress, a.verifier.Handler(a.delivered, a.refused, a.serveInteraction)))
	return nil
}

// acked reports each answer of next as an acknowledgement of kind, or of
// a refused request when it was answered with an error.
func (a *Adapter) acked(kind string, next http.Handler) http.Handler {
	if a.cfg.Acks == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		k := kind
		if sw.status >= http.StatusBadRequest {
			k = chat.AckRefused
		}
		chat.Acked(a.cfg.Acks, Source, k, start)
	})
}

// statusWriter remembers the status an answer was given.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		a.badRequest(w, r, fault.Errorf(fault.Invalid, "slack request: malformed form body"))
		return
	}
	sc := slack.SlashCommand{
		Token: "", TeamID: form.Get("team_id"), TeamDomain: form.Get("team_domain"),
		EnterpriseID: form.Get("enterprise_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"),
		Text: form.Get("text"), ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"),
		APIAppID: form.Get("api_app_id"),
	}
	if err := a.slashCommand(sc, ""); err != nil {
		a.badRequest(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		a.badRequest(w, r, fault.Errorf(fault.Invalid, "slack request: malformed interaction body"))
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		a.badRequest(w, r, fault.Errorf(fault.Invalid, "slack request: malformed interaction payload"))
		return
	}
	if err := a.interaction(cb, ""); err != nil {
		a.badRequest(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// badRequest answers a signed request whose content is unusable: 400 with
// one line, and a record (rate-limited, as refusals are).
func (a *Adapter) badRequest(w http.ResponseWriter, r *http.Request, err error) {
	a.refused(r, err)
	http.Error(w, err.Error(), http.StatusBadRequest)
}

// refused puts a refused request on the record. Anyone who can reach the
// endpoint can make refusals, and each record is a durable write to the
// audit chain: at most one record a minute, counting those it stands for.
func (a *Adapter) refused(r *http.Request, err error) {
	n, write := a.refusals.Note(a.cfg.Clock())
	a.log.Warn("slack: request refused", "remote", r.RemoteAddr, "path", r.URL.Path, "err", err)
	if !write {
		return
	}
	msg := chat.Summary(err, n)
	_ = a.runner.Refused(r.Context(), commands.Request{Source: Source, Principal: Unverified},
		fault.Errorf(fault.ClassOf(err), "%s", msg))
}

// Unverified is the principal of a request whose signature did not check
// out: nobody can say who sent it.
const Unverified commands.Principal = "slack:unverified"
