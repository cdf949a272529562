package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

func helpCmd() *Command {
	return &Command{
		Name: "help", Summary: "List commands, or explain one", Risk: Read, Idempotent: true,
		Args: []Arg{{Name: "command", Kind: KindText, Positional: true, Help: "a command name"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			reg := inv.Runner.reg
			if name := strings.ToLower(strings.TrimSpace(inv.Args.String("command"))); name != "" {
				if c := reg.Lookup(name); c != nil {
					return commandHelp(inv, c), nil
				}
				// "help iso": the two-word commands that start with it.
				t := &Table{Columns: []string{"COMMAND", "WHAT IT DOES"}}
				for _, c := range reg.All() {
					if strings.HasPrefix(c.Name, name+" ") {
						t.Rows = append(t.Rows, []string{c.Usage(), c.Summary})
					}
				}
				if len(t.Rows) == 0 {
					return Result{}, reg.HelpMiss(name)
				}
				return Result{Title: "`" + name + "` commands", Table: t}, nil
			}
			t := &Table{Columns: []string{"COMMAND", "WHAT IT DOES"}}
			for _, c := range reg.All() {
				t.Rows = append(t.Rows, []string{c.Usage(), c.Summary})
			}
			return Result{Title: "vpsops commands", Table: t,
				Text: "Servers are named provider/id (e.g. demo-fra/fra-101), or by a unique hostname. Destructive commands ask you to confirm; some need another person's approval. `help <command>` for details."}, nil
		},
	}
}

func commandHelp(inv *Invocation, c *Command) Result {
	res := Result{Title: c.Usage(), Text: c.Summary}
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
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			ex := inv.Runner.policy.Explain(inv.Principal)
			res := Result{Title: inv.Principal}
			roles := strings.Join(ex.Roles, ", ")
			if roles == "" {
				roles = "none (deny by default: ask an admin for a role)"
			}
			res.Fields = append(res.Fields, Field{Name: "Source", Value: inv.Request.Source}, Field{Name: "Roles", Value: roles})
			t := &Table{Columns: []string{"PERMISSION", "ON", "VIA", "RULE"}}
			sort.SliceStable(ex.Grants, func(i, j int) bool { return ex.Grants[i].Permission < ex.Grants[j].Permission })
			for _, g := range ex.Grants {
				t.Rows = append(t.Rows, []string{g.Permission, g.Object, g.Via, g.Rule})
			}
			if len(t.Rows) > 0 {
				res.Table = t
			}
			for _, g := range ex.Gates {
				res.Notes = append(res.Notes, fmt.Sprintf("%s on %s needs %s (%s)", g.Command, g.Object, g.Gate, g.Rule))
			}
			res.Data = ex
			return res, nil
		},
	}
}

func providersCmd() *Command {
	return &Command{
		Name: "providers", Summary: "List the configured providers and what each can do", Tool: "list_providers",
		Permission: "provider.read", Risk: Read, Idempotent: true,
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			t := &Table{Columns: []string{"PROVIDER", "TYPE", "CAN DO"}}
			var data []map[string]any
			for _, p := range inv.Runner.fleet.All() {
				if !inv.Runner.policy.Decide(inv.Principal, "provider.read", p.Name()+"/*").Allowed {
					continue
				}
				var caps []string
				for _, c := range p.Capabilities() {
					caps = append(caps, string(c))
				}
				canDoWords := canDo(p.Capabilities())
				var acts []string
				for _, a := range p.PowerActions() {
					acts = append(acts, string(a))
				}
				t.Rows = append(t.Rows, []string{p.Name(), p.DisplayName(), canDoWords})
				data = append(data, map[string]any{"name": p.Name(), "type": p.Type(), "display_name": p.DisplayName(), "capabilities": caps, "power_actions": acts})
			}
			return Result{Title: count(len(t.Rows), "provider"), Table: t, Data: map[string]any{"providers": nonNil(data)}}, nil
		},
	}
}
