package mcpserver

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// The confirm gate over MCP. An AI client's "accept" is the requester's
// intent, never an approval: a model or a headless client can answer an
// elicitation by itself. So a destructive tool asks the human, in a form,
// to type the server's name; that confirms the request (as the requester),
// and a human approver must still approve it elsewhere.
//
// One handler serves both protocol revisions: it returns an input_required
// result (2026-07-28), and mcp-go turns it into a server-sent
// elicitation/create for a 2025-11-25 client, then calls the handler again
// with the answer. The requestState that comes back is the client's to
// tamper with, so it is sealed (see Sealer): bound to the principal, the
// tool and its arguments, short-lived and single-use.

// confirmKey names the one input request of a confirmation.
const confirmKey = "confirm"

// canElicitForm reports whether the client can show a form for this call:
// declared per request from 2026-07-28, per session before. An empty
// elicitation capability means form (the 2025-06-18 meaning).
func canElicitForm(ctx context.Context) bool {
	var caps *mcp.ClientCapabilities
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		caps = info.ClientCapabilities
	} else if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		c := s.GetClientCapabilities()
		caps = &c
	}
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	e := caps.Elicitation
	return e.Form != nil || e.URL == nil
}

// askConfirm turns a request waiting at the confirm gate into a form
// asking the human to type the server's name.
func (s *Server) askConfirm(ctx context.Context, cmd *commands.Command, q commands.Request, v *commands.RequestView) (*mcp.CallToolResult, error) {
	state, err := s.o.Sealer.Seal(ctx, State{Principal: string(q.Principal), Tool: cmd.Tool, ArgsDigest: ArgsDigest(q.Args), RequestID: v.ID})
	if err != nil {
		// Without a state there is no way back: withdraw the request
		// rather than leave it waiting for a confirmation that cannot come.
		s.o.Logger.Error("sealing a confirmation failed", "request", v.ID, "err", err)
		_, _ = s.runner.Cancel(ctx, q, v.ID)
		return toolError(fault.Errorf(fault.Unavailable, "could not ask for confirmation; request %s was withdrawn and nothing was done", v.ID)), nil
	}
	name := confirmName(v)
	then := "Nothing happens until you confirm."
	if v.NeedsApproval {
		then = "After you confirm, a human approver must also approve it in chat or the shell."
	}
	params := mcp.ElicitationParams{
		Message: fmt.Sprintf("%s\nTo confirm, type the server's name: %s\n%s (request %s)", v.Prompt, name, then, v.ID),
		RequestedSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"server_name": map[string]any{
					"type": "string", "title": "Server name",
					"description": "Type " + name + " to confirm; anything else cancels.",
					"maxLength":   commands.MaxValueLen,
				},
			},
			"required": []string{"server_name"},
		},
	}
	return server.NewInputRequestBuilder(state).Elicit(confirmKey, params).ToolResult(), nil
}

// confirmName is what the human types: the server's name when it has one,
// else its id.
func confirmName(v *commands.RequestView) string {
	if v.Target.Name != "" {
		return v.Target.Name
	}
	_, id, _ := strings.Cut(v.Target.Ref, "/")
	return id
}

// resume is the call again with the human's answer. The sealed state
// says which request it is about; a replayed, altered, expired or foreign
// state is refused and audited, and changes nothing.
func (s *Server) resume(ctx context.Context, cmd *commands.Command, q commands.Request, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	if s.o.Sealer == nil {
		return toolError(s.runner.Refused(ctx, q, fault.Errorf(fault.Invalid, "%s: this server asked for no input; call it again without requestState", cmd.Tool))), nil
	}
	st, err := s.o.Sealer.Open(ctx, req.Params.RequestState, string(q.Principal), cmd.Tool, ArgsDigest(q.Args))
	if err != nil {
		return toolError(s.runner.Refused(ctx, q, fmt.Errorf("%s: confirmation refused, nothing was done: %w", cmd.Tool, err))), nil
	}
	v, err := s.runner.Lookup(ctx, st.RequestID, q.Principal)
	if err != nil {
		return toolError(err), nil
	}
	answer := server.ElicitationResponse(req.Params.InputResponses, confirmKey)
	typed := ""
	if answer != nil && answer.Action == mcp.ElicitationResponseActionAccept {
		if content, ok := answer.Content.(map[string]any); ok {
			typed, _ = content["server_name"].(string)
		}
	}
	if want := confirmName(&v); strings.TrimSpace(typed) != want {
		res, err := s.runner.Cancel(ctx, q, st.RequestID)
		if err != nil {
			return toolError(err), nil
		}
		why := "the confirmation was declined"
		if answer != nil && answer.Action == mcp.ElicitationResponseActionAccept {
			why = "the name typed was not " + want
		}
		res.Text = why + "; the request was cancelled and nothing was done."
		return renderCancelled(res), nil
	}
	res, err := s.runner.Confirm(ctx, q, st.RequestID)
	if err != nil {
		return toolError(err), nil
	}
	return render(cmd, res), nil
}

// renderCancelled is a request the human declined: no error (the tool did
// what the user wanted), status cancelled.
func renderCancelled(res commands.Result) *mcp.CallToolResult {
	return mcp.NewToolResultStructured(map[string]any{"status": "cancelled", "request": res.Request}, commands.Plain(res, true))
}
