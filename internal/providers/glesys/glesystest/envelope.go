package glesystest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// args are a request's arguments, from the query string and the body.
type args map[string]any

// reply is what a handler answers: the status code and text of the
// envelope, and the payload fields beside "status".
type reply struct {
	code    int
	text    string
	payload map[string]any
}

func ok(payload map[string]any) reply {
	return reply{code: http.StatusOK, text: "OK", payload: payload}
}

func fail(code int, format string, a ...any) reply {
	return reply{code: code, text: fmt.Sprintf(format, a...)}
}

// maxBody bounds a request body the emulator reads.
const maxBody = 1 << 20

// readArgs collects the arguments like the real API: query parameters,
// then a JSON or form body. Any other Content-Type, or a body that does
// not parse, is a 400 in the envelope.
func readArgs(r *http.Request) (args, reply) {
	in := args{}
	for k, v := range r.URL.Query() {
		in[k] = v[0]
	}
	if r.Method != http.MethodPost || r.ContentLength == 0 {
		return in, reply{}
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return in, fail(http.StatusBadRequest, "Unsupported Content-Type %q; use application/json or application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	}
	body := r.Body
	switch ct {
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(body).Decode(&m); err != nil {
			return in, fail(http.StatusBadRequest, "Could not parse the JSON request body")
		}
		for k, v := range m {
			in[k] = v
		}
	case "application/x-www-form-urlencoded":
		b, err := io.ReadAll(body)
		if err != nil {
			return in, fail(http.StatusBadRequest, "Could not read the form request body")
		}
		vals, err := url.ParseQuery(string(b))
		if err != nil {
			return in, fail(http.StatusBadRequest, "Could not parse the form request body")
		}
		for k, v := range vals {
			in[k] = v[0]
		}
	default:
		return in, fail(http.StatusBadRequest, "Unsupported Content-Type %q; use application/json or application/x-www-form-urlencoded", ct)
	}
	return in, reply{}
}

// str returns argument name as a string; numbers and booleans are
// rendered as the real API's loose typing would read them.
func (a args) str(name string) (string, bool) {
	v, ok := a[name]
	if !ok || v == nil {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case bool, float64:
		return fmt.Sprint(x), true
	}
	return "", false
}

// require returns the string argument name or the 400 the API gives.
func (a args) require(name string) (string, reply) {
	v, ok := a.str(name)
	if !ok || v == "" {
		return "", fail(http.StatusBadRequest, "Missing required argument: %s", name)
	}
	return v, reply{}
}

// flag reads a yes/no argument the way historical clients sent it: JSON
// booleans, yes/no, 1/0 and true/false. present is false when absent.
func (a args) flag(name string) (value, present bool, rep reply) {
	s, ok := a.str(name)
	if !ok {
		return false, false, reply{}
	}
	switch strings.ToLower(s) {
	case "true", "yes", "1":
		return true, true, reply{}
	case "false", "no", "0":
		return false, true, reply{}
	}
	return false, true, fail(http.StatusBadRequest, "Invalid value for argument %s: expected yes or no", name)
}

// write answers in the envelope, as JSON when the client asked for it and
// as (minimal) XML otherwise, the API's default.
func (s *Server) write(w http.ResponseWriter, asJSON bool, rep reply, in args) {
	writeEnvelope(w, asJSON, rep, in, s.now())
}

func writeEnvelope(w http.ResponseWriter, asJSON bool, rep reply, in args, now time.Time) {
	if !asJSON {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(rep.code)
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response><status><code>%d</code><text>%s</text></status></response>\n",
			rep.code, xmlEscape(rep.text))
		return
	}
	resp := map[string]any{
		"status": map[string]any{"code": rep.code, "timestamp": now.Format(time.RFC3339), "text": rep.text},
	}
	for k, v := range rep.payload {
		resp[k] = v
	}
	if in != nil {
		resp["debug"] = map[string]any{"input": in}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.code)
	json.NewEncoder(w).Encode(map[string]any{"response": resp})
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
