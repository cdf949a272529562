// Package mcpserver serves the vpsops commands as MCP tools, over stdio or
// streamable HTTP, through mark3labs/mcp-go. It renders; it never decides:
// every call becomes a commands.Request, and policy, gates, approval state
// and audit stay in the command layer. Each tool is generated from its one
// command declaration: name, arguments, output, annotations.
package mcpserver

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/metrics"
)

// Options configures a Server.
type Options struct {
	// Principal is who the client is when the transport names nobody
	// (stdio): "mcp:local" by default.
	Principal string
	// PrincipalFrom returns the principal a transport established for a
	// request (an HTTP bearer token); nil for stdio. When set, a request
	// it names nobody for is refused: never the configured principal.
	PrincipalFrom func(ctx context.Context) (string, bool)
	Ceiling       Ceiling
	Logger        *slog.Logger
	// Sealer seals the state of confirm elicitations. Without one no
	// client is asked to confirm: destructive calls go to approval.
	Sealer *Sealer
	// Probes are served over HTTP beside /healthz, with no token:
	// /metrics and /readyz. nil serves neither.
	Probes *metrics.Probes
}

// Server is the vpsops MCP server.
type Server struct {
	runner   *commands.Runner
	o        Options
	mcp      *server.MCPServer
	tools    map[string]*commands.Command // the tools offered, by name
	disabled map[string]string            // tools the ceiling removed: why
}

// New builds the server and registers a tool for every command offered
// to MCP that the ceiling allows.
func New(runner *commands.Runner, o Options) (*Server, error) {
	if o.Principal == "" {
		o.Principal = "mcp:local"
	}
	if !commands.Principal(o.Principal).MCP() {
		return nil, fmt.Errorf("mcp principal %q must start with mcp:", o.Principal)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{runner: runner, o: o, tools: map[string]*commands.Command{}, disabled: map[string]string{}}
	hooks := &server.Hooks{}
	hooks.AddAfterListTools(s.offerTools)
	hooks.AddBeforeCallTool(s.refuseDisabled)
	s.mcp = server.NewMCPServer("vpsops", buildinfo.String(),
		server.WithTitle("vpsops"),
		server.WithToolCapabilities(true),
		server.WithElicitation(),
		server.WithHooks(hooks),
		server.WithRecovery(),
		// Structured results are checked against the tool's output schema
		// before they leave: a client that trusts the schema is never
		// handed something else (tests keep the schemas accurate).
		server.WithOutputSchemaValidation(),
		server.WithInstructions(instructions),
	)
	for _, cmd := range runner.Registry().All() {
		if cmd.Tool == "" {
			continue
		}
		if ok, why := o.Ceiling.allows(cmd); !ok {
			s.disabled[cmd.Tool] = why
			continue
		}
		tool, err := toolFor(cmd)
		if err != nil {
			return nil, err
		}
		s.tools[cmd.Tool] = cmd
		s.mcp.AddTool(tool, s.handler(cmd))
	}
	return s, nil
}

const instructions = `vpsops runs a fleet of virtual servers across hosting providers. ` +
	`Servers are named provider/id (e.g. demo-fra/fra-101) or by a unique hostname; list_servers shows them. ` +
	`Destructive tools (delete, reinstall, hard power-off, reset) never run at once from an AI client: ` +
	`the user confirms by typing the server's name when the client can show forms, and a human approver must approve. ` +
	`Their result is the pending request; follow it with get_approval.`

// MCP is the mcp-go server, for transports and tests.
func (s *Server) MCP() *server.MCPServer { return s.mcp }

// principal is who is calling: the transport's principal, or the
// configured one when the transport names nobody by design (stdio). ok is
// false when the transport should have named someone and did not.
func (s *Server) principal(ctx context.Context) (commands.Principal, bool) {
	if s.o.PrincipalFrom == nil {
		return commands.Principal(s.o.Principal), true
	}
	p, ok := s.o.PrincipalFrom(ctx)
	return commands.Principal(p), ok && commands.Principal(p).MCP()
}

// unauthenticated is the principal recorded for a call nobody vouched for.
const unauthenticated commands.Principal = "mcp:unauthenticated"

// offerTools trims tools/list to what the caller may call: a tool whose
// permission the principal holds nowhere is not offered. The runner still
// decides on every call.
func (s *Server) offerTools(ctx context.Context, _ any, _ *mcp.ListToolsRequest, result *mcp.ListToolsResult) {
	p, ok := s.principal(ctx)
	kept := result.Tools[:0]
	for _, t := range result.Tools {
		if cmd := s.tools[t.Name]; ok && cmd != nil && s.runner.Offered(p, cmd) {
			kept = append(kept, t)
		}
	}
	result.Tools = kept
}

// refuseDisabled audits a call of a tool this server does not offer
// (removed by the ceiling, or no such tool); mcp-go answers it as unknown.
func (s *Server) refuseDisabled(ctx context.Context, _ any, req *mcp.CallToolRequest) {
	name := req.Params.Name
	if _, ok := s.tools[name]; ok {
		return
	}
	why, disabled := s.disabled[name]
	if !disabled {
		why = "no such tool"
	}
	p, ok := s.principal(ctx)
	if !ok {
		p = unauthenticated
	}
	q := commands.Request{Source: "mcp", Principal: p, Command: s.commandFor(name)}
	_ = s.runner.Refused(ctx, q, fault.Errorf(fault.PermissionDenied, "tool %s refused: %s", clip(name), why))
}

// commandFor names the command of a tool for the record, "" for an
// unknown tool name (which is not written to the record as is).
func (s *Server) commandFor(tool string) string {
	if cmd := s.runner.Registry().Tool(tool); cmd != nil {
		return cmd.Name
	}
	return ""
}

// WatchPolicy tells every client that the tool list changed whenever the
// policy is reloaded, until ctx ends.
func (s *Server) WatchPolicy(ctx context.Context, every time.Duration) {
	gen := s.runner.PolicyGeneration()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if g := s.runner.PolicyGeneration(); g != gen {
			gen = g
			s.mcp.SendNotificationToAllClients(mcp.MethodNotificationToolsListChanged, nil)
		}
	}
}

func clip(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
