package glesys

import (
	"context"
	"fmt"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// destroyArgs are server/destroy's arguments. keepip is required by the
// API and always sent: false, so the addresses are released rather than
// kept reserved (and billed) in the project.
type destroyArgs struct {
	ServerID string `json:"serverid"`
	KeepIP   bool   `json:"keepip"`
}

// Destroy implements driver.Destroyer. GleSYS destroys at once and
// irreversibly, with no confirmation: callers must confirm first. The
// server is read first (a locked server answers busy) so the Operation's
// description can name the addresses that are released; the Operation
// polls until server/details no longer knows the server.
func (d *Driver) Destroy(ctx context.Context, id string) (*driver.Operation, error) {
	s, err := d.details(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.IsLocked {
		return nil, &fault.Error{Class: fault.Conflict, Busy: true,
			Message: fmt.Sprintf("server %s is locked by another operation; try again shortly", id)}
	}
	if _, err := call[envelope](ctx, d, "server/destroy", destroyArgs{ServerID: id}); err != nil {
		return nil, serverErr(err, id)
	}
	desc := fmt.Sprintf("destroy %s (%s); its IP addresses are released, not kept", s.Hostname, id)
	if ips := addresses(s); len(ips) > 0 {
		desc = fmt.Sprintf("destroy %s (%s); its IP addresses %s are released, not kept", s.Hostname, id, strings.Join(ips, ", "))
	}
	return d.operation(desc, func(ctx context.Context) (driver.Progress, bool, error) {
		_, err := d.details(ctx, id)
		switch {
		case fault.ClassOf(err) == fault.NotFound:
			return d.progress("destroyed", s.Hostname+" is destroyed"), true, nil
		case err != nil:
			return driver.Progress{}, false, err
		}
		return d.progress(string(driver.StatusDeleting), "waiting for "+s.Hostname+" to be destroyed"), false, nil
	}), nil
}

// addresses lists s's IP addresses as the API gives them.
func addresses(s *serverJSON) []string {
	out := make([]string, 0, len(s.IPList))
	for _, ip := range s.IPList {
		out = append(out, ip.Address)
	}
	return out
}
