package commands

import (
	"context"
	"fmt"
	"reflect"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// ISO images: list, mount (e.g. a rescue system) and unmount.

func isosCmd() *Command {
	return &Command{
		Name: "isos", Summary: "List the ISO images that can be mounted", Tool: "list_isos",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapISO, Args: []Arg{serverArg},
		Output: reflect.TypeFor[ISOList](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			isos, err := inv.Provider.ISOs(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"ISO", "NAME", "MOUNTED"}, Size: sizeOf(len(isos))}
			for _, i := range isos {
				t.Rows = append(t.Rows, []string{i.ID, i.Name, map[bool]string{true: "yes"}[i.Mounted]})
			}
			return Result{Title: count(len(isos), "ISO") + " for " + inv.Target, Table: t,
				Data: ISOList{ServerRef: refOf(inv), ISOs: nonNil(isos), Size: sizeOf(len(isos))}}, nil
		},
	}
}

func isoMountCmd() *Command {
	return &Command{
		Name: "iso mount", Summary: "Mount an ISO image (e.g. a rescue system)", Tool: "mount_iso",
		Permission: "server.iso", Risk: Change, Needs: driver.CapISO, Idempotent: true, Output: reflect.TypeFor[ISOChange](),
		Args: []Arg{serverArg, {Name: "iso", Kind: KindName, Required: true, Positional: true, Help: "ISO id from `isos`"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.MountISO(ctx, inv.ServerID, inv.Args.String("iso"))
			if err == nil {
				err = inv.Wait(ctx, op)
			}
			if err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("%s mounted on %s", inv.Args.String("iso"), inv.Target), Text: "It boots from the ISO at the next restart.",
				Data: ISOChange{ServerChange: changeOf(inv), ISO: inv.Args.String("iso")}}, nil
		},
	}
}

func isoUnmountCmd() *Command {
	return &Command{
		Name: "iso unmount", Summary: "Unmount the mounted ISO image", Tool: "unmount_iso",
		Permission: "server.iso", Risk: Change, Needs: driver.CapISO, Idempotent: true, Args: []Arg{serverArg},
		Output: reflect.TypeFor[ISOChange](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.UnmountISO(ctx, inv.ServerID)
			if err == nil {
				err = inv.Wait(ctx, op)
			}
			if err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("ISO unmounted from %s", inv.Target), Data: ISOChange{ServerChange: changeOf(inv)}}, nil
		},
	}
}
