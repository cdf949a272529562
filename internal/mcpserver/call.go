package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// handler runs one tool call through the command layer. Whatever goes
// wrong comes back as a tool error (isError) with one line and the usage,
// never as a protocol error: the model reads it and can correct itself.
func (s *Server) handler(cmd *commands.Command) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		p, ok := s.principal(ctx)
		if !ok {
			q := commands.Request{Source: "mcp", Principal: unauthenticated, Command: cmd.Name}
			return toolError(s.runner.Refused(ctx, q, fault.Errorf(fault.Unauthenticated, "%s: the request carries no principal", cmd.Tool))), nil
		}
		args, err := arguments(req)
		if err != nil {
			q := commands.Request{Source: "mcp", Principal: p, Command: cmd.Name}
			return toolError(s.runner.Refused(ctx, q, &commands.UsageError{
				Err: fault.Errorf(fault.Invalid, "%s: %v", cmd.Tool, err), Usage: cmd.Usage()})), nil
		}
		q := commands.Request{
			Source: "mcp", Principal: p, Command: cmd.Name, Args: args,
			// Only a human can confirm, and only through a form.
			CanConfirm: s.o.Sealer != nil && canElicitForm(ctx),
			Progress:   s.progress(ctx, req),
		}
		if req.Params.RequestState != "" || len(req.Params.InputResponses) > 0 {
			return s.resume(ctx, cmd, q, req)
		}
		res, err := s.runner.Run(ctx, q)
		if err != nil {
			return toolError(err), nil
		}
		if res.Pending != nil && res.Pending.Gate == "confirm" {
			return s.askConfirm(ctx, cmd, q, res.Pending)
		}
		return render(cmd, res), nil
	}
}

// arguments are the call's arguments as the runner takes them: a JSON
// object (absent means none).
func arguments(req mcp.CallToolRequest) (map[string]any, error) {
	switch a := req.Params.Arguments.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return a, nil
	}
	return nil, errors.New("arguments must be a JSON object")
}

// render turns a result into the tool result: the structured form
// (matching the tool's output schema) and a plain-text copy. The caller is
// the requester, so secret fields (a generated password) are in the text
// for them, and never in the structured form.
func render(cmd *commands.Command, res commands.Result) *mcp.CallToolResult {
	text := commands.Plain(res, true)
	var structured any = res.Data
	if cmd.Gated() {
		switch {
		case res.Pending != nil:
			structured = approvalPending(res.Pending)
			text += fmt.Sprintf("Nothing has happened yet. Follow the request with get_approval {\"id\": %q}.\n", res.Pending.ID)
		case res.Data != nil:
			structured = map[string]any{"status": "done", "result": res.Data}
		default:
			structured = map[string]any{"status": "done"}
		}
	}
	if structured == nil {
		return mcp.NewToolResultText(text)
	}
	return mcp.NewToolResultStructured(structured, text)
}

// approvalPending is the structured answer of a request waiting for a
// human approver: what to follow, until when, and who can end the wait.
func approvalPending(v *commands.RequestView) map[string]any {
	return map[string]any{
		"status":         "approval_pending",
		"approval_id":    v.ID,
		"expires_at":     v.ExpiresAt.UTC().Format(time.RFC3339),
		"approvers_hint": fmt.Sprintf("a person the policy lets approve it (approval.grant on %s), never an MCP client, runs `approve %s` in chat or the shell, or presses Approve on the posted request", v.Target.Ref, v.ID),
		"request":        v,
	}
}

// toolError is a failed call as the model sees it: "error [class]: what
// failed", the usage when the input was at fault, and how long to wait
// when the provider said.
func toolError(err error) *mcp.CallToolResult {
	var b strings.Builder
	fmt.Fprintf(&b, "error [%s]: %s", fault.ClassOf(err), err.Error())
	if u := commands.UsageOf(err); u != "" {
		b.WriteString("\nusage: " + u)
	}
	var fe *fault.Error
	if errors.As(err, &fe) && fe.RetryAfter > 0 {
		fmt.Fprintf(&b, "\nretry_after: %ds", int(fe.RetryAfter.Seconds()+0.5))
	}
	return mcp.NewToolResultError(b.String())
}

// progress relays the runner's (already throttled) progress as MCP
// progress notifications when the client asked for them with a token.
func (s *Server) progress(ctx context.Context, req mcp.CallToolRequest) func(commands.Progress) {
	if req.Params.Meta == nil || req.Params.Meta.ProgressToken == nil {
		return nil
	}
	token := req.Params.Meta.ProgressToken
	return func(p commands.Progress) {
		params := map[string]any{"progressToken": token, "message": p.Message}
		if f, ok := p.Fraction(); ok {
			params["progress"], params["total"] = f*100, 100
		} else {
			params["progress"] = 0
		}
		if err := s.mcp.SendNotificationToClient(ctx, "notifications/progress", params); err != nil {
			s.o.Logger.Debug("progress notification not sent", "err", err)
		}
	}
}
