package vpsbgtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// writeJSON answers v with the rate-limit headers every answer carries.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if w.Header().Get("X-RateLimit-Limit") == "" {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(rateLimit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(rateLimit-1))
	}
	w.WriteHeader(status)
	if status == http.StatusNoContent {
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers Laravel's error shape, {"message": ...}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// writeInvalid answers Laravel's 422 validation shape.
func writeInvalid(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": msg,
		"errors":  map[string][]string{field: {msg}},
	})
}

func notFound(w http.ResponseWriter, model string, id string) {
	writeError(w, http.StatusNotFound, fmt.Sprintf("No query results for model [App\\Models\\%s] %s", model, id))
}

// readBody decodes a JSON object body into a map of raw fields. A body
// that is not JSON reads as no fields at all, as in Laravel, where the
// validator then reports the required ones missing.
func readBody(r *http.Request) map[string]json.RawMessage {
	fields := map[string]json.RawMessage{}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.ContentLength == 0 || mt != "application/json" {
		return fields
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(&fields); err != nil {
		return map[string]json.RawMessage{}
	}
	return fields
}

// page is Laravel's length-aware paginator.
type page struct {
	Data  any            `json:"data"`
	Links map[string]any `json:"links"`
	Meta  map[string]any `json:"meta"`
}

// paginate slices items per the request's page and per_page; it answers a
// 422 itself and returns false when they are out of range.
func paginate[T any](w http.ResponseWriter, r *http.Request, items []T, maxPerPage int) (page, bool) {
	q := r.URL.Query()
	per := 15
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			writeInvalid(w, "per_page", "The per page field must be between 1 and 50.")
			return page{}, false
		}
		per = n
	}
	per = min(per, maxPerPage)
	cur := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeInvalid(w, "page", "The page field must be at least 1.")
			return page{}, false
		}
		cur = n
	}
	last := max(1, (len(items)+per-1)/per)
	from, to := min((cur-1)*per, len(items)), min(cur*per, len(items))
	link := func(n int) any {
		if n < 1 || n > last {
			return nil
		}
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: "page=" + strconv.Itoa(n)}
		return u.String()
	}
	meta := map[string]any{"current_page": cur, "last_page": last, "per_page": per, "total": len(items),
		"from": nil, "to": nil, "path": link(1)}
	if from < to {
		meta["from"], meta["to"] = from+1, to
	}
	data := items[from:to]
	if data == nil {
		data = []T{}
	}
	return page{
		Data:  data,
		Links: map[string]any{"first": link(1), "last": link(last), "prev": link(cur - 1), "next": link(cur + 1)},
		Meta:  meta,
	}, true
}
