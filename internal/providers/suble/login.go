package suble

import (
	"context"
	"net/http"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// InitialLogin implements driver.InitialLoginer with GET .../vps/defaultlogin
// (Suble keeps a fresh VM's credentials for a limited time), then clears
// them with POST .../vps/defaultlogin as the reference advises, so they do
// not linger at the provider. A failed clear still returns the login
// (Cleared false): the user must not lose a password they cannot get again.
func (d *Driver) InitialLogin(ctx context.Context, id string) (*driver.Login, error) {
	if err := d.checkServer(id); err != nil {
		return nil, err
	}
	var reply struct {
		Type     string `json:"type"`
		IPv4     string `json:"ipv4"`
		Protocol string `json:"protocol"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := d.do(ctx, d.vpsCall(http.MethodGet, id, "defaultlogin", permDefaultLogin, nil), &reply); err != nil {
		if fault.ClassOf(err) == fault.Invalid {
			// 400 "Default password no longer available" (documented).
			return nil, fault.Errorf(fault.Conflict, "the initial login of server %s is no longer available at Suble", id)
		}
		return nil, err
	}
	if reply.Username == "" || reply.Password == "" {
		return nil, fault.Errorf(fault.Unavailable, "malformed response from Suble for the initial login of server %s", id)
	}
	l := &driver.Login{Protocol: reply.Protocol, Host: reply.IPv4, Username: reply.Username, Password: reply.Password}
	var cleared struct {
		Success bool `json:"success"`
	}
	if err := d.do(ctx, d.vpsCall(http.MethodPost, id, "defaultlogin", permDefaultLogin, struct{}{}), &cleared); err != nil {
		d.log.WarnContext(ctx, "suble: clearing the initial login failed", "server", id, "class", string(fault.ClassOf(err)))
	} else {
		l.Cleared = cleared.Success
	}
	return l, nil
}
