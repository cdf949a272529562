package discord

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vpsops/vpsops/internal/commands"
)

// The registry's commands are one or two words ("reboot", "iso mount");
// Discord's /vps command holds sub-commands, and groups of sub-commands,
// one level deep. The mapping:
//
//   - a one-word command is a sub-command: /vps reboot;
//   - a two-word command is a sub-command of the group named by its first
//     word: "iso mount" is /vps iso mount;
//   - a one-word command that is also the first word of a two-word one
//     ("ptr" beside "ptr set", "audit" beside "audit verify") cannot be
//     both a sub-command and a group, so it is the group's "show":
//     /vps ptr show, /vps audit show;
//   - Discord allows 25 entries at the top level. Should the registry
//     grow past that, the one-word commands are folded into groups by
//     domain, the resource their permission names ("server.power" →
//     /vps server reboot; no permission → /vps general help), merged
//     with a group of that name when there is one.
//
// Commands a chat user never types are left out (see notInChat), and so
// are arguments no chat user may give (see offeredArgs).

// showSub is the sub-command a one-word command becomes in its group.
const showSub = "show"

// notInChat are the registry's commands /vps does not offer, and why.
var notInChat = map[string]string{
	// confirm and cancel answer the requester's own prompt: in chat they
	// are its buttons (the prompt is the requester's alone, and names the
	// exact action), and the top level has room for 25 entries only.
	"confirm": "a button on the confirm prompt",
	"cancel":  "a button on the confirm prompt",
}

// route is where a registry command sits under /vps.
type route struct {
	group string // "" for a sub-command at the top level
	sub   string
}

func (r route) String() string { return strings.TrimSpace(r.group + " " + r.sub) }

// routes maps every registry command offered in chat to its place under
// /vps, in help order.
func routes(reg *commands.Registry) ([]*commands.Command, map[string]route, error) {
	var cmds []*commands.Command
	groups := map[string]bool{}
	for _, c := range reg.All() {
		if _, out := notInChat[c.Name]; out {
			continue
		}
		words := strings.Fields(c.Name)
		if len(words) < 1 || len(words) > 2 || strings.Join(words, " ") != c.Name {
			return nil, nil, fmt.Errorf("command %q is not one or two words", c.Name)
		}
		if len(words) == 2 {
			groups[words[0]] = true
		}
		cmds = append(cmds, c)
	}
	at := map[string]route{}
	for _, c := range cmds {
		group, sub, two := strings.Cut(c.Name, " ")
		switch {
		case two:
			at[c.Name] = route{group, sub}
		case groups[c.Name]:
			at[c.Name] = route{c.Name, showSub}
		default:
			at[c.Name] = route{sub: c.Name}
		}
	}
	if len(topLevel(at)) > maxOptions {
		for _, c := range cmds {
			if r := at[c.Name]; r.group == "" {
				at[c.Name] = route{domainOf(c), r.sub}
			}
		}
	}
	if n := len(topLevel(at)); n > maxOptions {
		return nil, nil, fmt.Errorf("/%s would have %d entries at the top level, more than Discord's %d", AppCommandName, n, maxOptions)
	}
	seen := map[route]string{}
	for _, c := range cmds {
		r := at[c.Name]
		if other, dup := seen[r]; dup {
			return nil, nil, fmt.Errorf("commands %q and %q both map to /%s %s", other, c.Name, AppCommandName, r)
		}
		seen[r] = c.Name
		if r.group != "" && seen[route{sub: r.group}] != "" {
			return nil, nil, fmt.Errorf("/%s %s is both a command and a group", AppCommandName, r.group)
		}
	}
	return cmds, at, nil
}

// topLevel is the sorted names of the entries at the top level.
func topLevel(at map[string]route) []string {
	set := map[string]bool{}
	for _, r := range at {
		if r.group != "" {
			set[r.group] = true
		} else {
			set[r.sub] = true
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// domainOf is the group a one-word command is folded into when the top
// level is full: the resource its permission names.
func domainOf(c *commands.Command) string {
	resource, _, _ := strings.Cut(c.Permission, ".")
	if resource == "" {
		return "general"
	}
	return resource
}

// offeredArgs are the arguments of c a chat user may give. A file path
// names a file on the bot's own host: only the shell takes one (audit
// export refuses it from any other source), so /vps does not offer it.
func offeredArgs(c *commands.Command) []commands.Arg {
	var out []commands.Arg
	for _, a := range c.Args {
		if a.Kind != commands.KindPath {
			out = append(out, a)
		}
	}
	return out
}
