package commands

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/vpsops/vpsops/internal/policy"
)

func helpCmd() *Command {
	return &Command{
		Name: "help", Summary: "List commands, or explain one", Risk: Read, Idempotent: true,
		Args:   []Arg{{Name: "command", Kind: KindText, Positional: true, Help: "a command name"}},
		Output: reflect.TypeFor[HelpInfo](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			reg := inv.Registry()
			if name := strings.ToLower(strings.TrimSpace(inv.Args.String("command"))); name != "" {
				if c := reg.Lookup(name); c != nil {
					return commandHelp(inv, c), nil
				}
				// "help iso": the two-word commands that start with it.
				var family []*Command
				for _, c := range reg.All() {
					if strings.HasPrefix(c.Name, name+" ") {
						family = append(family, c)
					}
				}
				if len(family) == 0 {
					return Result{}, reg.HelpMiss(name)
				}
				t, data := commandTable(family)
				return Result{Title: "`" + name + "` commands", Table: t, Data: data}, nil
			}
			t, data := commandTable(reg.All())
			return Result{Title: "vpsops commands", Table: t, Data: data,
				Text: "Servers are named provider/id (e.g. demo-fra/fra-101), or by a unique hostname. Destructive commands ask you to confirm; some need another person's approval. `help <command>` for details."}, nil
		},
	}
}

// commandTable lists commands with what each does.
func commandTable(cmds []*Command) (*Table, HelpInfo) {
	t := &Table{Columns: []string{"COMMAND", "WHAT IT DOES"}, Size: sizeOf(len(cmds))}
	data := HelpInfo{Commands: []CommandInfo{}}
	for _, c := range cmds {
		t.Rows = append(t.Rows, []string{c.Usage(), c.Summary})
		data.Commands = append(data.Commands, commandInfo(c))
	}
	return t, data
}

func commandHelp(inv *Invocation, c *Command) Result {
	res := Result{Title: c.Usage(), Text: c.Summary, Data: HelpInfo{Commands: []CommandInfo{commandInfo(c)}}}
	add := func(n, v string) { res.Fields = append(res.Fields, Field{Name: n, Value: v}) }
	perm := c.Permission
	if perm == "" {
		perm = "none"
	}
	add("Permission", perm)
	add("Risk", c.Risk.String())
	if c.Tool != "" {
		add("MCP tool", c.Tool)
	}
	for _, a := range c.Args {
		req := "optional"
		if a.Required {
			req = "required"
		}
		add("Argument "+a.Name, fmt.Sprintf("%s, %s", a.Help, req))
	}
	if c.Risk == Destructive {
		add("Gate", "you confirm it; the policy may also require approval by someone else")
	}
	return res
}

func whoamiCmd() *Command {
	return &Command{
		Name: "whoami", Summary: "Show who you are, your roles and what you may do", Tool: "whoami", Risk: Read, Idempotent: true,
		Output: reflect.TypeFor[Identity](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			ex := inv.Explain()
			res := Result{Title: inv.Principal}
			roles := strings.Join(ex.Roles, ", ")
			if roles == "" {
				roles = "none (deny by default: ask an admin for a role)"
			}
			res.Fields = append(res.Fields, Field{Name: "Source", Value: inv.Request.Source})
			data := Identity{Principal: inv.Principal, Source: inv.Request.Source, Roles: nonNil(ex.Roles), Grants: []GrantInfo{}, Gates: []GateInfo{}}
			if len(ex.Groups) > 0 {
				res.Fields = append(res.Fields, Field{Name: "Groups", Value: groupsLine(ex.Groups)})
			}
			for _, g := range ex.Groups {
				data.Groups = append(data.Groups, GroupInfo{Group: g.Group, Roles: nonNil(g.Roles)})
			}
			res.Fields = append(res.Fields, Field{Name: "Roles", Value: roles})
			t := &Table{Columns: []string{"PERMISSION", "ON", "VIA", "RULE"}, Size: sizeOf(len(ex.Grants))}
			sort.SliceStable(ex.Grants, func(i, j int) bool { return ex.Grants[i].Permission < ex.Grants[j].Permission })
			for _, g := range ex.Grants {
				t.Rows = append(t.Rows, []string{g.Permission, g.Object, viaWords(g.Group, g.Via), g.Rule})
				data.Grants = append(data.Grants, GrantInfo{Permission: g.Permission, Object: g.Object, Via: g.Via, Group: g.Group, Rule: g.Rule})
			}
			if len(t.Rows) > 0 {
				res.Table = t
			}
			for _, g := range ex.Gates {
				rule := g.Rule
				if g.Group != "" {
					rule += "; via " + g.Group
				}
				res.Notes = append(res.Notes, fmt.Sprintf("%s on %s needs %s (%s)", g.Command, g.Object, g.Gate, rule))
				data.Gates = append(data.Gates, GateInfo{Command: g.Command, Object: g.Object, Gate: string(g.Gate), Group: g.Group, Rule: g.Rule})
			}
			res.Data = data
			return res, nil
		},
	}
}

// groupsLine is whoami's line of groups, each with the roles it brings:
// "discord-role:G1:R9 (approver), discord-role:G1:R7 (no role)".
func groupsLine(groups []policy.GroupRoles) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		roles := strings.Join(g.Roles, ", ")
		if roles == "" {
			roles = "no role"
		}
		parts[i] = fmt.Sprintf("%s (%s)", g.Group, roles)
	}
	return strings.Join(parts, "; ")
}

// viaWords is whoami's VIA column: the role a grant comes through, and
// the group before it when it comes through one ("discord-role:G1:R9 →
// approver").
func viaWords(group, via string) string {
	switch {
	case group == "":
		return via
	case via == "":
		return group
	}
	return group + " → " + via
}

func providersCmd() *Command {
	return &Command{
		Name: "providers", Summary: "List the configured providers and what each can do", Tool: "list_providers",
		Permission: "provider.read", Risk: Read, Idempotent: true,
		Output: reflect.TypeFor[ProviderList](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			t := &Table{Columns: []string{"PROVIDER", "TYPE", "CAN DO"}}
			data := ProviderList{Providers: []ProviderInfo{}}
			for _, p := range inv.Fleet().All() {
				if !inv.May("provider.read", p.Name()+"/*").Allowed {
					continue
				}
				caps := []string{}
				for _, c := range p.Capabilities() {
					caps = append(caps, string(c))
				}
				canDoWords := canDo(p.Capabilities())
				acts := []string{}
				for _, a := range p.PowerActions() {
					acts = append(acts, string(a))
				}
				t.Rows = append(t.Rows, []string{p.Name(), p.DisplayName(), canDoWords})
				data.Providers = append(data.Providers, ProviderInfo{Name: p.Name(), Type: p.Type(), DisplayName: p.DisplayName(), Capabilities: caps, PowerActions: acts})
			}
			t.Size, data.Size = sizeOf(len(t.Rows)), sizeOf(len(t.Rows))
			return Result{Title: count(len(t.Rows), "provider"), Table: t, Data: data}, nil
		},
	}
}
