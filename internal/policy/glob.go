package policy

import "errors"

// errGlobArgs is returned when a matcher calls glob with the wrong
// arguments: a model.conf mistake, reported when the model loads.
var errGlobArgs = errors.New("glob: want two string arguments")

// glob reports whether value matches pattern, where "*" in pattern matches
// any run of characters (including "/", "." and ":") and every other
// character matches only itself. There is no escape and no "?": server ids,
// permissions and principals never contain "*", and one simple rule is
// easier to audit than path.Match's (whose "*" stops at "/", so "*" would
// not cover "demo-fra/web-1").
//
// It runs in O(len(value)·stars) without allocating: on a mismatch it
// backtracks only to the most recent "*", which is enough because a later
// star can absorb anything an earlier one could.
func glob(value, pattern string) bool {
	v, p := 0, 0
	star, mark := -1, 0 // position of the last "*" in pattern, and where in value it started
	for v < len(value) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, v
			p++
		case p < len(pattern) && pattern[p] == value[v]:
			p++
			v++
		case star >= 0:
			mark++
			p, v = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// globFunc adapts glob to a Casbin matcher function: glob(r.obj, p.obj).
func globFunc(args ...any) (any, error) {
	if len(args) != 2 {
		return false, errGlobArgs
	}
	value, ok1 := args[0].(string)
	pattern, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return false, errGlobArgs
	}
	return glob(value, pattern), nil
}
