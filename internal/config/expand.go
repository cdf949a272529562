package config

import (
	"errors"
	"fmt"
	"strings"
)

// errUnterminated and errBadName describe malformed references. They do not
// quote the text: a literal secret may legitimately contain "${".
var (
	errUnterminated = errors.New(`unterminated "${": write "$$" for a literal "$"`)
	errBadName      = errors.New(`invalid variable name in "${...}": use letters, digits and _`)
)

// unsetError is an unset variable without a default. The variable's name is
// safe to show; its value does not exist.
type unsetError struct{ name string }

func (e unsetError) Error() string {
	return fmt.Sprintf("environment variable %s is not set (use ${%s:-default} for a default)", e.name, e.name)
}

// expand replaces ${VAR} with the value of VAR, and ${VAR:-default} with the
// value of VAR or default when VAR is unset or empty; "$$" yields "$". Any
// other "$" is kept as is, so a literal "pa$word" needs no escaping. The
// default is the literal text up to the first "}". Substituted text is never
// rescanned: a value containing "${X}" or "$$" is inserted verbatim.
func expand(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 || i == len(s)-1 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			s = s[i+2:]
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", errUnterminated
			}
			val, err := reference(s[i+2:i+2+end], lookup)
			if err != nil {
				return "", err
			}
			b.WriteString(val)
			s = s[i+2+end+1:]
		default:
			b.WriteByte('$')
			s = s[i+1:]
		}
	}
}

// reference resolves the inside of "${...}".
func reference(ref string, lookup func(string) (string, bool)) (string, error) {
	name, def, hasDef := strings.Cut(ref, ":-")
	if !validVarName(name) {
		return "", errBadName
	}
	val, ok := lookup(name)
	if hasDef && val == "" {
		return def, nil
	}
	if !ok {
		return "", unsetError{name}
	}
	return val, nil
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
