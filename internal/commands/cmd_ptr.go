package commands

import (
	"context"
	"fmt"
	"reflect"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Reverse DNS (PTR) records of a server's addresses.

func ptrCmd() *Command {
	return &Command{
		Name: "ptr", Summary: "Show the reverse DNS (PTR) records of a server's addresses", Tool: "get_ptr",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapPTR, Args: []Arg{serverArg},
		Output: reflect.TypeFor[PTRList](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			ptrs, err := inv.Provider.PTRs(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"IP", "PTR"}, Size: sizeOf(len(ptrs))}
			for _, p := range ptrs {
				t.Rows = append(t.Rows, []string{p.IP, p.Hostname})
			}
			return Result{Title: fmt.Sprintf("PTR records of %s", inv.Target), Table: t,
				Data: PTRList{ServerRef: refOf(inv), PTRs: nonNil(ptrs), Size: sizeOf(len(ptrs))}}, nil
		},
	}
}

func ptrSetCmd() *Command {
	return &Command{
		Name: "ptr set", Summary: "Set the reverse DNS name of one of a server's IPs", Tool: "set_ptr",
		Permission: "server.ptr", Risk: Change, Needs: driver.CapPTR, Idempotent: true, Output: reflect.TypeFor[PTRChange](),
		Args: []Arg{serverArg,
			{Name: "ip", Kind: KindIP, Required: true, Positional: true, Help: "one of the server's addresses"},
			{Name: "hostname", Kind: KindHostname, Required: true, Positional: true, Help: "fully qualified name"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			if err := inv.Provider.SetPTR(ctx, inv.ServerID, inv.Args.String("ip"), inv.Args.String("hostname")); err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("PTR of %s set to %s", inv.Args.String("ip"), inv.Args.String("hostname")),
				Data: PTRChange{ServerChange: changeOf(inv), IP: inv.Args.String("ip"), Hostname: inv.Args.String("hostname")}}, nil
		},
	}
}

func ptrResetCmd() *Command {
	return &Command{
		Name: "ptr reset", Summary: "Reset the reverse DNS name of an IP to the provider's default", Tool: "reset_ptr",
		Permission: "server.ptr", Risk: Change, Needs: driver.CapPTR, Idempotent: true, Output: reflect.TypeFor[PTRChange](),
		Args: []Arg{serverArg, {Name: "ip", Kind: KindIP, Required: true, Positional: true, Help: "one of the server's addresses"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			if err := inv.Provider.ResetPTR(ctx, inv.ServerID, inv.Args.String("ip")); err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("PTR of %s reset", inv.Args.String("ip")),
				Data: PTRChange{ServerChange: changeOf(inv), IP: inv.Args.String("ip")}}, nil
		},
	}
}
