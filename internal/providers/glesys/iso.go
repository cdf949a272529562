package glesys

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

type isoListResponse struct {
	envelope
	ISOFiles []string `json:"isofiles"`
}

type mountResponse struct {
	envelope
	Server serverJSON `json:"server"`
}

type mountArgs struct {
	ServerID string `json:"serverid"`
	ISOFile  string `json:"isofile"`
}

// ISOs implements driver.ISOMounter: server/listiso for what the server
// can mount, server/details for what is mounted now. An ISO's id is its
// path as GleSYS names it ("OpenBSD/7.4/amd64/cd74.iso").
func (d *Driver) ISOs(ctx context.Context, id string) ([]driver.ISO, error) {
	r, err := call[isoListResponse](ctx, d, "server/listiso", serverArgs{ServerID: id})
	if err != nil {
		return nil, serverErr(err, id)
	}
	s, err := d.details(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]driver.ISO, 0, len(r.ISOFiles))
	for _, f := range r.ISOFiles {
		out = append(out, driver.ISO{ID: f, Name: f, Mounted: f == s.ISOFile})
	}
	return out, nil
}

// MountISO implements driver.ISOMounter with server/mountiso, which
// answers with the server's details: the mount is done when it returns.
func (d *Driver) MountISO(ctx context.Context, id, iso string) (*driver.Operation, error) {
	if iso == "" {
		return nil, fault.Errorf(fault.Invalid, "no ISO named to mount")
	}
	r, err := call[mountResponse](ctx, d, "server/mountiso", mountArgs{ServerID: id, ISOFile: iso})
	if err != nil {
		return nil, serverErr(err, id)
	}
	if r.Server.ISOFile != iso {
		return nil, fault.Errorf(fault.Unavailable, "GleSYS accepted mounting %s on server %s but reports %q mounted", iso, id, r.Server.ISOFile)
	}
	return driver.Done(fmt.Sprintf("mount %s on %s (%s)", iso, r.Server.Hostname, id)), nil
}

// UnmountISO implements driver.ISOMounter with server/mountiso and no ISO
// (see unverified.go).
func (d *Driver) UnmountISO(ctx context.Context, id string) (*driver.Operation, error) {
	r, err := call[mountResponse](ctx, d, "server/mountiso", unmountArgs(id))
	if err != nil {
		return nil, serverErr(err, id)
	}
	if r.Server.ISOFile != "" {
		return nil, fault.Errorf(fault.Unavailable, "GleSYS accepted unmounting on server %s but still reports %q mounted", id, r.Server.ISOFile)
	}
	return driver.Done(fmt.Sprintf("unmount the ISO of %s (%s)", r.Server.Hostname, id)), nil
}
