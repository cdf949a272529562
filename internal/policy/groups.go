package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// groupKinds maps each kind of group to the principal kind it belongs to.
// A group is a subject the policy names like a principal ("g,
// discord-role:G1:R9, approver"), but nobody is one: a platform's signed
// payload says which groups a principal holds, and they widen what that
// principal may do in that one request. Keeping the list closed, and each
// kind tied to one platform, is what keeps a group from ever passing for a
// role name ("admin") or for another principal ("shell:root"), and a Slack
// payload from ever presenting a Discord role.
var groupKinds = map[string]string{
	"discord-role": "discord", // discord-role:<guild>:<role>
}

// MaxGroups bounds the groups one request may present: a Discord member
// holds at most 250 roles, and every group is one more question per
// decision.
const MaxGroups = 250

// maxGroupLen bounds a group's length, so that an error quoting a
// malformed one stays one short line.
const maxGroupLen = 100

// ValidGroup reports why g is not a group: it must be
// "<kind>:<scope>:<id>" with kind a known group kind (discord-role), scope
// and id non-empty, at most 100 bytes, and no "*", comma, space or
// control character.
func ValidGroup(g string) error {
	if len(g) > maxGroupLen {
		return fmt.Errorf("a group of %d bytes: at most %d", len(g), maxGroupLen)
	}
	kind, rest, _ := strings.Cut(g, ":")
	if _, ok := groupKinds[kind]; !ok {
		return fmt.Errorf("group %q: want discord-role:<guild>:<role>", g)
	}
	scope, id, ok := strings.Cut(rest, ":")
	if !ok || scope == "" || id == "" {
		return fmt.Errorf("group %q: want %s:<scope>:<id>", g, kind)
	}
	if i := strings.IndexFunc(rest, badPrincipalRune); i >= 0 {
		return fmt.Errorf("group %q: character %q not allowed", g, rest[i])
	}
	return nil
}

// ValidSubject reports why s cannot be decided for: its principal must be
// valid (ValidPrincipal), and each group valid (ValidGroup), of the
// principal's platform, at most MaxGroups of them. An mcp: or shell:
// principal therefore never has a group.
func ValidSubject(s Subject) error {
	if err := ValidPrincipal(s.Principal); err != nil {
		return err
	}
	if len(s.Groups) > MaxGroups {
		return fmt.Errorf("%d groups: at most %d", len(s.Groups), MaxGroups)
	}
	platform, _, _ := strings.Cut(s.Principal, ":")
	for _, g := range s.Groups {
		if err := ValidGroup(g); err != nil {
			return err
		}
		if kind, _, _ := strings.Cut(g, ":"); groupKinds[kind] != platform {
			return fmt.Errorf("group %q: a %s principal has no %s groups", g, platform, kind)
		}
	}
	return nil
}

// names lists who a question is asked for: the principal first, then each
// group once, in order. The principal comes first so that what it may do
// by itself is named as such.
func (s Subject) names() []string {
	if len(s.Groups) == 0 {
		return []string{s.Principal}
	}
	return append([]string{s.Principal}, sortedGroups(s.Groups)...)
}

// groupsKey is the cache key of s's group set: the same for the same set
// in any order or with repeats, and different for any two different sets,
// malformed ones included (length-prefixed, so no group can pose as two).
func (s Subject) groupsKey() string {
	if len(s.Groups) == 0 {
		return ""
	}
	var b strings.Builder
	for _, g := range sortedGroups(s.Groups) {
		b.WriteString(strconv.Itoa(len(g)))
		b.WriteByte(':')
		b.WriteString(g)
	}
	return b.String()
}

func sortedGroups(groups []string) []string {
	out := slices.Clone(groups)
	slices.Sort(out)
	return slices.Compact(out)
}

// via words a rule that matched through name rather than the principal
// itself: "p, approver, *, approval.grant (via discord-role:G1:R9)".
func via(rule, name, principal string) string {
	if name == principal || rule == "" {
		return rule
	}
	return rule + " (via " + name + ")"
}
