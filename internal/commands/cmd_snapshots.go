package commands

import (
	"context"
	"fmt"
	"reflect"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Snapshots of a server's disk.

func snapshotsCmd() *Command {
	return &Command{
		Name: "snapshots", Summary: "List a server's snapshots", Tool: "list_snapshots",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapSnapshots, Args: []Arg{serverArg},
		Output: reflect.TypeFor[SnapshotList](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			snaps, err := inv.Provider.Snapshots(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"SNAPSHOT", "NAME", "CREATED", "SIZE", "STATUS"}, Size: sizeOf(len(snaps))}
			for _, s := range snaps {
				created := ""
				if !s.Created.IsZero() {
					created = ShowTime(s.Created)
				}
				size := ""
				if s.SizeGB > 0 {
					size = fmt.Sprintf("%.1f GB", s.SizeGB)
				}
				t.Rows = append(t.Rows, []string{s.ID, s.Name, created, size, s.Status})
			}
			return Result{Title: count(len(snaps), "snapshot") + " of " + inv.Target, Table: t,
				Data: SnapshotList{ServerRef: refOf(inv), Snapshots: nonNil(snaps), Size: sizeOf(len(snaps))}}, nil
		},
	}
}

func snapshotCreateCmd() *Command {
	return &Command{
		Name: "snapshot create", Summary: "Take a snapshot of a server", Tool: "create_snapshot",
		Permission: "server.snapshot", Risk: Change, Needs: driver.CapSnapshot, Output: reflect.TypeFor[SnapshotChange](),
		Args: []Arg{serverArg, {Name: "name", Kind: KindName, Required: true, Positional: true, Help: "snapshot name"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.CreateSnapshot(ctx, inv.ServerID, inv.Args.String("name"))
			if err == nil {
				err = inv.Wait(ctx, op)
			}
			if err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("Snapshot %s of %s created", inv.Args.String("name"), inv.Target),
				Data: SnapshotChange{ServerChange: changeOf(inv), Name: inv.Args.String("name")}}, nil
		},
	}
}
