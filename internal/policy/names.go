package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Permissions returns every permission the command layer checks, in a
// stable order. A p line must name one of these or a glob that matches at
// least one of them.
func Permissions() []string {
	return []string{
		"provider.read",
		"server.read",
		"server.power",
		"server.reinstall",
		"server.delete",
		"server.console",
		"server.iso",
		"server.ptr",
		"server.snapshot",
		"approval.read",
		"approval.grant",
		"audit.read",
	}
}

// principalKinds are the sources a principal can come from. Keeping the
// list closed is what keeps principals and role names apart: a principal
// always starts with one of these and a colon, a role never contains one.
func principalKinds() []string { return []string{"slack", "discord", "mcp", "shell"} }

// ValidPrincipal reports why p is not a principal the policy can decide for:
// it must be "<kind>:<name>" with kind one of slack, discord, mcp, shell,
// a non-empty name, and no "*", comma, space or control character (a "*"
// would make the principal a pattern that matches other principals' roles).
func ValidPrincipal(p string) error {
	kind, name, ok := strings.Cut(p, ":")
	if !ok || !slices.Contains(principalKinds(), kind) {
		return fmt.Errorf("principal %q: want slack:<team>:<user>, discord:<user>, mcp:<token-name> or shell:<os-user>", p)
	}
	if name == "" {
		return fmt.Errorf("principal %q: empty name", p)
	}
	if i := strings.IndexFunc(name, badPrincipalRune); i >= 0 {
		return fmt.Errorf("principal %q: character %q not allowed", p, name[i])
	}
	return nil
}

func badPrincipalRune(r rune) bool {
	return r == '*' || r == ',' || r <= ' ' || r == 0x7f
}

// validRoleName reports whether s can name a role: letters, digits, "-",
// "_" and ".", starting with a letter. No ":" (principals have one) and no
// "*" (patterns have one).
func validRoleName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// checkSubject validates the subject of a p or p2 line, or the member of a
// g line: a role name, "*", a principal or group, or a pattern of either
// such as "mcp:*", "slack:T0123:*" or "discord-role:G1:*".
func checkSubject(s string) error {
	if s == "*" || validRoleName(s) {
		return nil
	}
	kind, name, ok := strings.Cut(s, ":")
	if _, group := groupKinds[kind]; !ok || !group && !slices.Contains(principalKinds(), kind) {
		return fmt.Errorf("subject %q is neither a role name nor a principal (slack:, discord:, mcp:, shell:) nor a group (discord-role:)", s)
	}
	if name == "" {
		return fmt.Errorf("subject %q: empty principal name", s)
	}
	if i := strings.IndexFunc(name, func(r rune) bool { return r != '*' && badPrincipalRune(r) }); i >= 0 {
		return fmt.Errorf("subject %q: character %q not allowed", s, name[i])
	}
	return nil
}

// checkPermission validates the permission of a p line.
func checkPermission(s string) error {
	for _, p := range Permissions() {
		if glob(p, s) {
			return nil
		}
	}
	return fmt.Errorf("unknown permission %q (known: %s)", s, strings.Join(Permissions(), ", "))
}

// checkPattern validates an object or command glob.
func checkPattern(what, s string) error {
	if s == "" {
		return fmt.Errorf("empty %s", what)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }); i >= 0 {
		return fmt.Errorf("%s %q: control character not allowed", what, s)
	}
	return nil
}

// checkGate validates the gate of a p2 line.
func checkGate(s string) (Gate, error) {
	switch g := Gate(s); g {
	case GateConfirm, GateApproval:
		return g, nil
	}
	return GateNone, fmt.Errorf("unknown gate %q (want %q or %q)", s, GateConfirm, GateApproval)
}
