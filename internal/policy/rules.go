package policy

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"strings"
)

// rule is one validated line of policy.csv.
type rule struct {
	line   int      // 1-based line number in the file
	ptype  string   // "p", "p2" or "g"
	fields []string // the fields after ptype, trimmed
	gate   Gate     // p2 only
}

// text renders the rule as it is written in policy.csv, the form decisions
// and explanations quote: "p, operator, *, server.power".
func (r rule) text() string { return ruleText(r.ptype, r.fields) }

func ruleText(ptype string, fields []string) string {
	return ptype + ", " + strings.Join(fields, ", ")
}

// fieldCount is the number of fields after the ptype, per rule type; it
// must agree with model.conf (checkModel enforces that).
func fieldCount(ptype string) (int, bool) {
	switch ptype {
	case "p":
		return 3, true
	case "p2":
		return 4, true
	case "g":
		return 2, true
	}
	return 0, false
}

// parseRules reads policy.csv text and validates every line, so that a
// typo refuses the whole file instead of silently granting or denying.
// name is used in error messages ("policy.csv:12: ...").
func parseRules(name, text string) ([]rule, error) {
	var rules []rule
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseRule(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %q: %w", name, n, line, err)
		}
		r.line = n
		rules = append(rules, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rules, nil
}

// parseRule splits one line the way Casbin's file adapter does (CSV,
// leading spaces trimmed) and checks it.
func parseRule(line string) (rule, error) {
	cr := csv.NewReader(strings.NewReader(line))
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	tokens, err := cr.Read()
	if err != nil {
		return rule{}, fmt.Errorf("not a CSV line: %w", err)
	}
	for i := range tokens {
		tokens[i] = strings.TrimSpace(tokens[i])
	}
	r := rule{ptype: tokens[0], fields: tokens[1:]}
	want, ok := fieldCount(r.ptype)
	if !ok {
		return rule{}, fmt.Errorf("unknown rule type %q (want p, p2 or g)", r.ptype)
	}
	if len(r.fields) != want {
		return rule{}, fmt.Errorf("%s rule has %d fields, want %d", r.ptype, len(r.fields), want)
	}
	switch r.ptype {
	case "p": // sub, obj, act
		err = firstErr(checkSubject(r.fields[0]), checkPattern("object", r.fields[1]), checkPermission(r.fields[2]))
	case "p2": // sub, obj, cmd, gate
		err = firstErr(checkSubject(r.fields[0]), checkPattern("object", r.fields[1]), checkPattern("command", r.fields[2]))
		if err == nil {
			r.gate, err = checkGate(r.fields[3])
		}
	case "g": // member, role
		err = checkSubject(r.fields[0])
		if err == nil && !validRoleName(r.fields[1]) {
			err = fmt.Errorf("role %q: a role name is a plain word (letters, digits, - _ .), not a principal or pattern", r.fields[1])
		}
	}
	return r, err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
