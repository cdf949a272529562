// Package canonical encodes values as the bytes a hash or MAC is taken
// over: the same arguments always give the same bytes, and two different
// ones never do.
package canonical

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// ErrInvalidUTF8 is returned for a string (or map key) that is not valid
// UTF-8: encoding/json would replace its bad bytes with U+FFFD, so two
// different values could encode alike.
var ErrInvalidUTF8 = errors.New("canonical: invalid UTF-8")

// JSON encodes v with encoding/json, which writes map keys sorted at every
// depth, after checking that every string in it is valid UTF-8.
func JSON(v any) ([]byte, error) {
	if !validUTF8(v) {
		return nil, ErrInvalidUTF8
	}
	return json.Marshal(v)
}

// validUTF8 reports whether every string in v, keys included, is valid
// UTF-8. It walks the shapes decoded JSON and command arguments take; other
// values are left to encoding/json.
func validUTF8(v any) bool {
	switch v := v.(type) {
	case string:
		return utf8.ValidString(v)
	case []string:
		for _, s := range v {
			if !utf8.ValidString(s) {
				return false
			}
		}
	case []any:
		for _, e := range v {
			if !validUTF8(e) {
				return false
			}
		}
	case map[string]any:
		for k, e := range v {
			if !utf8.ValidString(k) || !validUTF8(e) {
				return false
			}
		}
	case map[string]string:
		for k, e := range v {
			if !utf8.ValidString(k) || !utf8.ValidString(e) {
				return false
			}
		}
	}
	return true
}
