package suble

import (
	"context"
	"net/http"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Console implements driver.Consoler with GET P/console: a fresh VNC
// ticket and secret. Both are secrets and are returned only in the secret
// fields (URL carries the ticket, Password the secret). Expiry is not
// documented, so ExpiresAt stays zero.
func (d *Driver) Console(ctx context.Context, id string) (*driver.Console, error) {
	if err := d.checkServer(id); err != nil {
		return nil, err
	}
	var reply struct {
		Success bool   `json:"success"`
		Ticket  string `json:"ticket"`
		Secret  string `json:"secret"`
	}
	if err := d.do(ctx, d.vpsCall(http.MethodGet, id, "console", permConsoleVNC, nil), &reply); err != nil {
		return nil, err
	}
	if !reply.Success || reply.Ticket == "" || reply.Secret == "" {
		return nil, fault.Errorf(fault.Unavailable, "malformed response from Suble for the console of server %s", id)
	}
	return &driver.Console{
		Kind:     "vnc",
		URL:      consoleURL(d.base, d.cfg.Project, id, reply.Ticket),
		Password: reply.Secret,
	}, nil
}
