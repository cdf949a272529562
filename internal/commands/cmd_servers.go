package commands

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

func listCmd() *Command {
	return &Command{
		Name: "list", Summary: "List servers across all providers (those you may see)", Tool: "list_servers",
		Permission: "server.read", Risk: Read, Idempotent: true,
		Args: []Arg{
			{Name: "provider", Kind: KindProvider, Positional: true, Help: "only this provider"},
			{Name: "status", Kind: KindEnum, Enum: []string{"running", "stopped"}, Help: "only servers in this state"},
		},
		Output: reflect.TypeFor[ServerList](),
		Run:    runList,
	}
}

func runList(ctx context.Context, inv *Invocation) (Result, error) {
	only := inv.Args.String("provider")
	if only != "" {
		if _, ok := inv.Fleet().Get(only); !ok {
			return Result{}, fault.Errorf(fault.NotFound, "no provider %q; configured: %s", only, strings.Join(providerNames(inv.Fleet()), ", "))
		}
	}
	servers, failures := inv.Fleet().ListAll(ctx, only)
	want := driver.Status(inv.Args.String("status"))
	res := Result{Table: &Table{Columns: []string{"SERVER", "NAME", "STATUS", "IPV4", "REGION", "PLAN"}}}
	data := ServerList{Servers: []ServerView{}, Failures: failureData(failures)}
	hidden := map[string]bool{} // providers with servers the caller may not read
	for _, s := range servers {
		ref := s.Provider + "/" + s.ID
		if !inv.May("server.read", ref).Allowed {
			hidden[s.Provider] = true
			continue
		}
		if want != "" && s.Status != want {
			continue
		}
		res.Table.Rows = append(res.Table.Rows, []string{ref, s.Name, statusWord(s.Server), strings.Join(s.IPv4, " "), s.Region, s.Plan})
		data.Servers = append(data.Servers, ServerView{Ref: ref, Provider: s.Provider, Server: s.Server})
	}
	for _, f := range failures {
		res.Notes = append(res.Notes, fmt.Sprintf("%s did not answer: %s", f.Provider, safeMessage(f.Err)))
	}
	res.Table.Size = sizeOf(len(res.Table.Rows))
	res.Title = count(len(res.Table.Rows), "server")
	if len(failures) > 0 {
		res.Title += fmt.Sprintf(" (partial: %d of %d providers failed)", len(failures), providerCount(inv.Fleet(), only))
	}
	res.Notes = append(res.Notes, hiddenNotes(inv, hidden)...)
	if len(res.Table.Rows) == 0 {
		res.Table = nil
		res.Text = "No servers match."
		if len(hidden) > 0 {
			res.Text = "No servers you may see match."
		}
	}
	data.Size = sizeOf(len(data.Servers))
	res.Data = data
	return res, nil
}

func statusCmd() *Command {
	return &Command{
		Name: "status", Summary: "Show a server's details and live state", Tool: "get_server",
		Permission: "server.read", Risk: Read, Idempotent: true, Args: []Arg{serverArg},
		Output: reflect.TypeFor[ServerDetail](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			s, err := inv.Provider.GetServer(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			return serverResult(inv, *s), nil
		},
	}
}

// serverResult renders one server's details.
func serverResult(inv *Invocation, s driver.Server) Result {
	res := Result{Title: fmt.Sprintf("%s (%s): %s", inv.Target, s.Name, statusWord(s))}
	add := func(name, value string) {
		if value != "" {
			res.Fields = append(res.Fields, Field{Name: name, Value: value})
		}
	}
	add("Provider", inv.Provider.DisplayName())
	add("Status", statusWord(s))
	add("IPv4", strings.Join(s.IPv4, ", "))
	add("IPv6", strings.Join(s.IPv6, ", "))
	add("Region", s.Region)
	add("Plan", s.Plan)
	add("Image", s.Image)
	if s.CPUs > 0 || s.MemoryMB > 0 || s.DiskGB > 0 {
		add("Size", fmt.Sprintf("%d vCPU, %s RAM, %d GB disk", s.CPUs, mb(s.MemoryMB), s.DiskGB))
	}
	if !s.Created.IsZero() {
		add("Created", s.Created.UTC().Format("2006-01-02"))
	}
	for _, m := range s.Usage {
		add(m.Name, fmt.Sprintf("%g %s", m.Value, m.Unit))
	}
	add("Can do", canDo(inv.Provider.Capabilities()))
	caps := []string{}
	for _, c := range inv.Provider.Capabilities() {
		caps = append(caps, string(c))
	}
	res.Data = ServerDetail{ServerView: ServerView{Ref: inv.Target, Provider: inv.Provider.Name(), Server: s}, Capabilities: caps}
	return res
}

func statusWord(s driver.Server) string {
	w := string(s.Status)
	if s.Locked {
		w += " (busy)"
	}
	return w
}

func mb(n int) string {
	if n >= 1024 && n%1024 == 0 {
		return fmt.Sprintf("%d GB", n/1024)
	}
	return fmt.Sprintf("%d MB", n)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func failureData(fs []providers.Failure) []ProviderFailure {
	out := []ProviderFailure{}
	for _, f := range fs {
		out = append(out, ProviderFailure{Provider: f.Provider, Class: string(fault.ClassOf(f.Err)), Error: safeMessage(f.Err)})
	}
	return out
}

// hiddenNotes says why servers are missing from a list: for each provider
// the caller may know of (provider.read) but holds no server.read on,
// which policy line would grant it. Deny by default should never look
// like an empty fleet.
func hiddenNotes(inv *Invocation, hidden map[string]bool) []string {
	var notes []string
	for _, p := range slices.Sorted(maps.Keys(hidden)) {
		if !inv.May("provider.read", p+"/*").Allowed || inv.May("server.read", p+"/*").Allowed {
			continue // unknown to the caller, or only some of its servers are hidden
		}
		notes = append(notes, fmt.Sprintf("%s may not read the servers of %s; a policy line such as `p, %s, %s/*, server.read` (or a role holding it) would grant it",
			inv.Principal, p, inv.Principal, p))
	}
	return notes
}

func providerNames(f Fleet) []string {
	var names []string
	for _, p := range f.All() {
		names = append(names, p.Name())
	}
	return names
}

func providerCount(f Fleet, only string) int {
	if only != "" {
		return 1
	}
	return len(f.All())
}

// count words a quantity: "1 server", "3 servers".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// capWords names each capability by the commands it enables, so what
// `providers` and `status` say matches what users can type.
var capWords = map[driver.Capability]string{
	driver.CapPower: "power", driver.CapImages: "images", driver.CapReinstall: "reinstall",
	driver.CapDestroy: "delete", driver.CapConsole: "console", driver.CapLogin: "login",
	driver.CapISO: "iso", driver.CapPTR: "ptr", driver.CapSnapshots: "snapshots",
	driver.CapSnapshot: "snapshot create",
}

func canDo(caps []driver.Capability) string {
	words := make([]string, 0, len(caps))
	for _, c := range caps {
		if w, ok := capWords[c]; ok {
			words = append(words, w)
		}
	}
	return strings.Join(words, ", ")
}
