package commands

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Console and initial login: access to a server, shown only to the requester.

func consoleCmd() *Command {
	return &Command{
		Name: "console", Summary: "Open a remote console (credentials shown only to you)", Tool: "get_console",
		Permission: "server.console", Risk: Sensitive, Needs: driver.CapConsole, SecretResult: true, Args: []Arg{serverArg},
		Output: reflect.TypeFor[ConsoleAccess](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			c, err := inv.Provider.Console(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			res := Result{Title: fmt.Sprintf("Console for %s ready", inv.Target), Text: "The credentials are shown only to you.",
				Data: ConsoleAccess{ServerRef: refOf(inv), Kind: c.Kind, ExpiresAt: c.ExpiresAt}}
			res.Fields = append(res.Fields, Field{Name: "Kind", Value: c.Kind})
			if !c.ExpiresAt.IsZero() {
				res.Fields = append(res.Fields, Field{Name: "Expires", Value: c.ExpiresAt.UTC().Format(time.RFC3339)})
			}
			if c.URL != "" {
				res.Secret = append(res.Secret, Field{Name: "URL", Value: c.URL})
			}
			if c.Host != "" {
				res.Secret = append(res.Secret, Field{Name: "Address", Value: fmt.Sprintf("%s:%d", c.Host, c.Port)})
			}
			if c.Password != "" {
				res.Secret = append(res.Secret, Field{Name: "Password", Value: c.Password})
			}
			return res, nil
		},
	}
}

func loginCmd() *Command {
	return &Command{
		Name: "login", Summary: "Show a fresh server's initial login once (only to you), then clear it", Tool: "get_initial_login",
		Permission: "server.console", Risk: Sensitive, Needs: driver.CapLogin, SecretResult: true, Args: []Arg{serverArg},
		Output: reflect.TypeFor[InitialLogin](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			l, err := inv.Provider.InitialLogin(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			res := Result{Title: fmt.Sprintf("Initial login of %s", inv.Target), Text: "Shown only to you.",
				Data: InitialLogin{ServerRef: refOf(inv), Protocol: l.Protocol, Username: l.Username, Host: l.Host, Cleared: l.Cleared}}
			res.Fields = append(res.Fields, Field{Name: "Protocol", Value: l.Protocol}, Field{Name: "User", Value: l.Username})
			if l.Host != "" {
				res.Fields = append(res.Fields, Field{Name: "Host", Value: l.Host})
			}
			res.Secret = []Field{{Name: "Password", Value: l.Password}}
			if l.Cleared {
				res.Text += " The provider has now forgotten it: store it, then change it on the server."
			} else {
				res.Notes = append(res.Notes, "the provider could not be told to forget it; change the password on the server")
			}
			return res, nil
		},
	}
}
