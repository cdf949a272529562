package discordtest

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// problem is one rule a request body broke: where (a dotted path into the
// body, as Discord nests its errors object), Discord's error code and its
// message.
type problem struct {
	path, code, message string
}

// problems collects every broken rule of one body, as Discord reports
// them all at once.
type problems []problem

func (ps *problems) add(path, code, format string, args ...any) {
	*ps = append(*ps, problem{path, code, fmt.Sprintf(format, args...)})
}

// maxLen adds BASE_TYPE_MAX_LENGTH when s is longer than n characters.
func (ps *problems) maxLen(path, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		ps.add(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", n)
	}
}

// between adds BASE_TYPE_BAD_LENGTH when s is not lo to hi characters.
func (ps *problems) between(path, s string, lo, hi int) {
	if n := utf8.RuneCountInString(s); n < lo || n > hi {
		ps.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between %d and %d in length.", lo, hi)
	}
}

// maxItems adds BASE_TYPE_MAX_LENGTH when a list has more than n items.
func (ps *problems) maxItems(path string, got, n int) {
	if got > n {
		ps.add(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", n)
	}
}

// err is the first problem as an error naming its field, nil when there
// is none.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	p := ps[0]
	return fmt.Errorf("%s: %s (%s)", p.path, p.message, p.code)
}

// answer is Discord's 400 Invalid Form Body with its errors object:
// {"code":50035,"message":"Invalid Form Body","errors":{"embeds":{"0":
// {"title":{"_errors":[{"code":...,"message":...}]}}}}}.
func (ps problems) answer() answer {
	root := map[string]any{}
	for _, p := range ps {
		node := root
		if p.path != "" {
			for _, key := range strings.Split(p.path, ".") {
				next, ok := node[key].(map[string]any)
				if !ok {
					next = map[string]any{}
					node[key] = next
				}
				node = next
			}
		}
		errs, _ := node["_errors"].([]map[string]string)
		node["_errors"] = append(errs, map[string]string{"code": p.code, "message": p.message})
	}
	return answer{http.StatusBadRequest, apiError{Code: CodeInvalidFormBody, Message: "Invalid Form Body", Errors: root}}
}

func at(path string, i int, rest ...string) string {
	s := fmt.Sprintf("%s.%d", path, i)
	for _, r := range rest {
		s += "." + r
	}
	return s
}
