package commands

import (
	"fmt"
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
