package commands

import (
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// The Data of the server commands: list, status and the power actions.

// ServerRef names the one server a result is about, with the same keys
// everywhere.
type ServerRef struct {
	Ref      string `json:"ref" desc:"the server as provider/id, as every command accepts it"`
	Provider string `json:"provider" desc:"the provider instance (the part of ref before the slash)"`
	ID       string `json:"id" desc:"the server's id at its provider (the part of ref after the slash)"`
}

func refOf(inv *Invocation) ServerRef {
	return ServerRef{Ref: inv.Target, Provider: inv.Provider.Name(), ID: inv.ServerID}
}

// ServerChange is what every command that changes a server reports first:
// which server, and what was done to it.
type ServerChange struct {
	ServerRef
	Action string `json:"action" desc:"the command that ran, e.g. reboot, reinstall, iso mount"`
}

func changeOf(inv *Invocation) ServerChange {
	return ServerChange{ServerRef: refOf(inv), Action: inv.Command.Name}
}

// unknownStatus stands for a state that could not be read back.
const unknownStatus = string(driver.StatusUnknown)

// ServerView is one server as the provider reports it, with its ref. (Its
// id comes from driver.Server.)
type ServerView struct {
	Ref      string `json:"ref" desc:"the server as provider/id, as every command accepts it"`
	Provider string `json:"provider" desc:"the provider instance (the part of ref before the slash)"`
	driver.Server
}

// ServerDetail is the Data of status.
type ServerDetail struct {
	ServerView
	Capabilities []string `json:"capabilities" desc:"what this server's provider can do: power, images, reinstall, destroy, console, ..."`
}

// ServerList is the Data of list.
type ServerList struct {
	Servers  []ServerView      `json:"servers" desc:"the servers that match and that you may see"`
	Failures []ProviderFailure `json:"failures" desc:"providers that did not answer; their servers are missing from the list"`
	Size
}

// ProviderFailure is one provider that could not be read.
type ProviderFailure struct {
	Provider string `json:"provider" desc:"the provider instance"`
	Class    string `json:"class" desc:"the kind of error: unavailable, unauthenticated, rate_limited, ..."`
	Error    string `json:"error" desc:"what went wrong, in one line"`
}

// PowerChange is the Data of start, stop, reboot, poweroff and reset.
type PowerChange struct {
	ServerChange
	Status   string `json:"status" desc:"the server's status after the action, as the provider reports it; unknown when it could not be read back"`
	Expected string `json:"expected" desc:"the status the action leaves a server in; when status differs, the provider has not caught up yet"`
}
