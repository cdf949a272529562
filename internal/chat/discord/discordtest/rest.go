package discordtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// apiPrefix is where discordgo v0.28.1 puts every REST route (API v9).
const apiPrefix = "/api/v9"

// Routes, named by method and path pattern under /api/v9: what Calls
// counts and Fail takes.
const (
	RouteGateway        = "GET /gateway"
	RouteGatewayBot     = "GET /gateway/bot"
	RouteCallback       = "POST /interactions/{id}/{token}/callback"
	RouteFollowUp       = "POST /webhooks/{app}/{token}"
	RouteWebhookGet     = "GET /webhooks/{app}/{token}/messages/{message}"
	RouteWebhookEdit    = "PATCH /webhooks/{app}/{token}/messages/{message}"
	RouteWebhookDelete  = "DELETE /webhooks/{app}/{token}/messages/{message}"
	RouteMessageCreate  = "POST /channels/{channel}/messages"
	RouteMessageEdit    = "PATCH /channels/{channel}/messages/{message}"
	RouteMessageGet     = "GET /channels/{channel}/messages/{message}"
	RouteGlobalCommands = "PUT /applications/{app}/commands"
	RouteGuildCommands  = "PUT /applications/{app}/guilds/{guild}/commands"
	RouteGetGlobal      = "GET /applications/{app}/commands"
	RouteGetGuild       = "GET /applications/{app}/guilds/{guild}/commands"
)

// Error codes Discord answers with (its JSON "code").
const (
	CodeUnknownChannel      = 10003
	CodeUnknownMessage      = 10008
	CodeUnknownWebhook      = 10015
	CodeUnknownInteraction  = 10062
	CodeAlreadyAcknowledged = 40060
	CodeEmptyMessage        = 50006
	CodeInvalidWebhookToken = 50027
	CodeInvalidFormBody     = 50035
	CodeInvalidJSON         = 50109
	CodeMissingAccess       = 50001
	codeGeneral             = 0 // 401 and unknown routes carry code 0
)

// route serves one REST route. It runs with Server.mu held.
type route struct {
	bot   bool // needs "Authorization: Bot <token>"
	serve func(s *Server, c call) answer
}

// call is one request: its path values and its body.
type call struct {
	r    *http.Request
	body []byte
}

func (c call) path(name string) string { return c.r.PathValue(name) }

// decode reads the JSON body into v.
func (c call) decode(v any) bool {
	return json.Unmarshal(c.body, v) == nil
}

// answer is what a route answers: a status and a JSON body (none for 204).
type answer struct {
	status int
	body   any
}

func ok(body any) answer { return answer{http.StatusOK, body} }

var noContent = answer{status: http.StatusNoContent}

// apiError is Discord's error body. Errors, for 50035 Invalid Form Body,
// says which field broke which rule.
type apiError struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Errors  map[string]any `json:"errors,omitempty"`
}

func fail(status, code int, message string) answer {
	return answer{status, apiError{Code: code, Message: message}}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	table := map[string]route{
		RouteGateway:        {false, (*Server).gateway},
		RouteGatewayBot:     {true, (*Server).gatewayBot},
		RouteCallback:       {false, (*Server).callback},
		RouteFollowUp:       {false, (*Server).followUp},
		RouteWebhookGet:     {false, (*Server).webhookGet},
		RouteWebhookEdit:    {false, (*Server).webhookEdit},
		RouteWebhookDelete:  {false, (*Server).webhookDelete},
		RouteMessageCreate:  {true, (*Server).messageCreate},
		RouteMessageEdit:    {true, (*Server).messageEdit},
		RouteMessageGet:     {true, (*Server).messageGet},
		RouteGlobalCommands: {true, (*Server).overwriteCommands},
		RouteGuildCommands:  {true, (*Server).overwriteCommands},
		RouteGetGlobal:      {true, (*Server).getCommands},
		RouteGetGuild:       {true, (*Server).getCommands},
		RouteDMCreate:       {true, (*Server).dmCreate},
	}
	for name, rt := range table {
		method, path, _ := strings.Cut(name, " ")
		mux.HandleFunc(method+" "+apiPrefix+path, s.serveREST(name, rt))
	}
	mux.HandleFunc(apiPrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{Code: codeGeneral, Message: "404: Not Found"})
	})
	mux.HandleFunc("GET /gateway", s.serveGateway)
	mux.HandleFunc("GET /gateway/", s.serveGateway)
	return mux
}

// serveREST is every REST call of one route: count it, answer a queued
// fault, check the token, then serve it.
func (s *Server) serveREST(name string, rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if f, ok := s.called(name); ok && s.answer(f, name, w, r) {
			return
		}
		if rt.bot && r.Header.Get("Authorization") != "Bot "+s.opts.BotToken {
			writeJSON(w, http.StatusUnauthorized, apiError{Code: codeGeneral, Message: "401: Unauthorized"})
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			return
		}
		if len(bytes.TrimSpace(body)) > 0 && !json.Valid(body) {
			writeJSON(w, http.StatusBadRequest, apiError{Code: CodeInvalidJSON, Message: "The request body contains invalid JSON."})
			return
		}
		s.mu.Lock()
		a := rt.serve(s, call{r: r, body: body})
		s.changedLocked()
		s.mu.Unlock()
		if a.status == http.StatusNoContent {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, a.status, a.body)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// rawJSON marshals v; v is always marshalable here.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("discordtest: " + err.Error())
	}
	return b
}
