package slacktest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// tokenKind is the token a method takes: Slack refuses the other kind with
// not_allowed_token_type.
type tokenKind int

const (
	botToken tokenKind = iota
	appToken
)

// reply is the body of a successful call, without "ok".
type reply map[string]any

// method serves one Web API method. It runs with Server.mu held and
// returns the reply, or the error code Slack would answer with (and, with
// it, anything Slack adds to the error, such as response_metadata).
type method struct {
	token tokenKind
	serve func(s *Server, p params) (reply, string)
}

var methods = map[string]method{
	"auth.test":                    {botToken, (*Server).authTest},
	"chat.postMessage":             {botToken, (*Server).postMessage},
	"chat.postEphemeral":           {botToken, (*Server).postEphemeral},
	"chat.update":                  {botToken, (*Server).update},
	"views.open":                   {botToken, (*Server).openView},
	"files.getUploadURLExternal":   {botToken, (*Server).getUploadURL},
	"files.completeUploadExternal": {botToken, (*Server).completeUpload},
	"apps.connections.open":        {appToken, (*Server).openConnection},
}

// serveAPI is every Web API call: count it, answer a queued fault, check
// the token, then serve it. Slack answers API errors with HTTP 200.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	if f, ok := s.called(name); ok && s.answer(f, w, r) {
		return
	}
	m, ok := methods[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "unknown_method"})
		return
	}
	p, err := readParams(r)
	if err != nil {
		writeError(w, "invalid_form_data")
		return
	}
	if code := s.checkToken(m.token, bearer(r, p)); code != "" {
		writeError(w, code)
		return
	}
	s.mu.Lock()
	res, code := m.serve(s, p)
	s.changedLocked()
	s.mu.Unlock()
	if res == nil {
		res = reply{}
	}
	res["ok"] = code == ""
	if code != "" {
		res["error"] = code // with response_metadata, when the method says why
	}
	writeJSON(w, http.StatusOK, res)
}

// bearer is the token of a call: the Authorization header, or the token
// form field slack-go sends with form-encoded methods.
func bearer(r *http.Request, p params) string {
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return h
	}
	return p.str("token")
}

func (s *Server) checkToken(want tokenKind, got string) string {
	right, wrong := s.opts.BotToken, s.opts.AppToken
	if want == appToken {
		right, wrong = wrong, right
	}
	switch got {
	case "":
		return "not_authed"
	case right:
		return ""
	case wrong:
		return "not_allowed_token_type"
	}
	return "invalid_auth"
}

// params are a call's arguments, form-encoded or JSON, as slack-go sends
// them: chat.* and files.* as a form, views.* and apps.* as JSON.
type params struct {
	form url.Values
	js   map[string]json.RawMessage
}

func readParams(r *http.Request) (params, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return params{}, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		p := params{js: map[string]json.RawMessage{}}
		if len(bytes.TrimSpace(body)) == 0 || bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
			return p, nil
		}
		return p, json.Unmarshal(body, &p.js)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return params{}, err
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	return params{form: form}, nil
}

// has reports whether the argument was given at all.
func (p params) has(k string) bool {
	if p.js != nil {
		_, ok := p.js[k]
		return ok
	}
	_, ok := p.form[k]
	return ok
}

// str is a string argument; a JSON number or boolean reads as its text.
func (p params) str(k string) string {
	if p.js == nil {
		return p.form.Get(k)
	}
	raw := p.js[k]
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// raw is a JSON argument (blocks, view, files): a form field holds it as
// a JSON string.
func (p params) raw(k string) json.RawMessage {
	if p.js == nil {
		if v := p.form.Get(k); v != "" {
			return json.RawMessage(v)
		}
		return nil
	}
	raw := p.js[k]
	var s string
	if json.Unmarshal(raw, &s) == nil { // a JSON string holding JSON
		return json.RawMessage(s)
	}
	return raw
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code})
}

func (s *Server) authTest(p params) (reply, string) {
	return reply{
		"url":                   "https://" + s.opts.TeamDomain + ".slack.com/",
		"team":                  s.opts.TeamDomain,
		"user":                  "vpsops",
		"team_id":               s.opts.TeamID,
		"user_id":               s.opts.BotUserID,
		"bot_id":                s.opts.BotID,
		"is_enterprise_install": false,
	}, ""
}
