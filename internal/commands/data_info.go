package commands

// The Data of the commands about vpsops itself: help, whoami, providers.

// HelpInfo is the Data of help: every command, or the ones asked about.
type HelpInfo struct {
	Commands []CommandInfo `json:"commands" desc:"the commands, in help order"`
}

// CommandInfo is one command's declaration, as help explains it.
type CommandInfo struct {
	Name       string    `json:"name" desc:"the chat name, one or two words"`
	Usage      string    `json:"usage" desc:"the one-line chat syntax"`
	Summary    string    `json:"summary" desc:"what it does"`
	Tool       string    `json:"tool,omitempty" desc:"its MCP tool name, when MCP clients may call it"`
	Permission string    `json:"permission" desc:"the permission the policy checks; none when anyone may run it"`
	Risk       string    `json:"risk" desc:"read, change, destructive or sensitive"`
	Args       []ArgInfo `json:"args" desc:"its arguments, in order"`
}

// ArgInfo is one declared argument.
type ArgInfo struct {
	Name     string `json:"name" desc:"the argument's name"`
	Help     string `json:"help" desc:"what it means"`
	Required bool   `json:"required" desc:"whether it must be given"`
}

func commandInfo(c *Command) CommandInfo {
	perm := c.Permission
	if perm == "" {
		perm = "none"
	}
	info := CommandInfo{Name: c.Name, Usage: c.Usage(), Summary: c.Summary, Tool: c.Tool, Permission: perm, Risk: c.Risk.String(), Args: []ArgInfo{}}
	for _, a := range c.Args {
		info.Args = append(info.Args, ArgInfo{Name: a.Name, Help: a.Help, Required: a.Required})
	}
	return info
}

// Identity is the Data of whoami.
type Identity struct {
	Principal string      `json:"principal" desc:"who you are: slack:<team>:<user>, discord:<user>, mcp:<token-name> or shell:<os-user>"`
	Source    string      `json:"source" desc:"where this request came from: shell, slack, discord or mcp"`
	Groups    []GroupInfo `json:"groups,omitempty" desc:"the groups you act with in this request (discord-role:<guild>:<role>), from the platform's signed payload, and the roles each brings"`
	Roles     []string    `json:"roles" desc:"your roles, direct and inherited, your groups' included"`
	Grants    []GrantInfo `json:"grants" desc:"what you may do, and the policy line behind each grant"`
	Gates     []GateInfo  `json:"gates" desc:"policy lines that ask for a confirmation or approval when you run a command"`
}

// GroupInfo is one group a principal acts with.
type GroupInfo struct {
	Group string   `json:"group" desc:"the group, e.g. discord-role:<guild>:<role>"`
	Roles []string `json:"roles" desc:"the roles the policy gives it; empty when none"`
}

// GrantInfo is one permission a principal holds.
type GrantInfo struct {
	Permission string `json:"permission" desc:"the permission, or a glob of them (server.*)"`
	Object     string `json:"object" desc:"the servers it applies to: a glob over provider/id"`
	Via        string `json:"via,omitempty" desc:"the role it comes through; absent when granted directly"`
	Group      string `json:"group,omitempty" desc:"the group it comes through; absent when it is your own"`
	Rule       string `json:"rule" desc:"the policy line that grants it"`
}

// GateInfo is one policy line that gates a command.
type GateInfo struct {
	Command string `json:"command" desc:"the command name, or a glob"`
	Object  string `json:"object" desc:"the servers it applies to: a glob over provider/id"`
	Gate    string `json:"gate" desc:"confirm or approval"`
	Group   string `json:"group,omitempty" desc:"the group it applies through; absent when it applies to you"`
	Rule    string `json:"rule" desc:"the policy line"`
}

// ProviderList is the Data of providers.
type ProviderList struct {
	Providers []ProviderInfo `json:"providers" desc:"the configured providers you may see"`
	Size
}

// ProviderInfo is one configured provider instance.
type ProviderInfo struct {
	Name         string   `json:"name" desc:"the instance name, the first half of every provider/id"`
	Type         string   `json:"type" desc:"the driver: demo, edis, glesys, cyberpanel, vpsbg or suble"`
	DisplayName  string   `json:"display_name" desc:"the provider's name for people"`
	Capabilities []string `json:"capabilities" desc:"what it can do: power, images, reinstall, destroy, console, ..."`
	PowerActions []string `json:"power_actions" desc:"the power actions it offers: start, stop, reboot, poweroff, reset"`
}
