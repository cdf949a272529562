package commands

import (
	"fmt"
	"sort"
	"strings"
)

// Registry holds every command declaration, by chat name and by MCP tool.
type Registry struct {
	byName map[string]*Command
	byTool map[string]*Command
	order  []*Command
}

// NewRegistry indexes cmds, refusing duplicate names or tools.
func NewRegistry(cmds []*Command) (*Registry, error) {
	r := &Registry{byName: map[string]*Command{}, byTool: map[string]*Command{}}
	for _, c := range cmds {
		if _, dup := r.byName[c.Name]; dup {
			return nil, fmt.Errorf("command %q declared twice", c.Name)
		}
		r.byName[c.Name] = c
		if c.Tool != "" {
			if _, dup := r.byTool[c.Tool]; dup {
				return nil, fmt.Errorf("tool %q declared twice", c.Tool)
			}
			r.byTool[c.Tool] = c
		}
		r.order = append(r.order, c)
	}
	return r, nil
}

// Lookup returns the command with that chat name, or nil.
func (r *Registry) Lookup(name string) *Command { return r.byName[name] }

// Tool returns the command behind an MCP tool name, or nil.
func (r *Registry) Tool(name string) *Command { return r.byTool[name] }

// All returns every command in declaration order (the order of help).
func (r *Registry) All() []*Command { return r.order }

// suggest returns the nearest command name to a mistyped one, or "".
func (r *Registry) suggest(s string) string {
	s = strings.ToLower(s)
	if len(s) > 32 {
		return ""
	}
	best, bestD := "", 3
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		first, _, _ := strings.Cut(n, " ")
		if d := editDistance(s, first); d < bestD {
			best, bestD = first, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
