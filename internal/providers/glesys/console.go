package glesys

import (
	"context"
	"fmt"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

type consoleResponse struct {
	envelope
	Console struct {
		Host     string `json:"host"`
		Port     int    `json:"port"`
		Password string `json:"password"`
		Protocol string `json:"protocol"`
		URL      string `json:"url"`
	} `json:"console"`
}

// Console implements driver.Consoler with server/console. KVM servers get
// a ready-to-open web-console URL (Kind "web"); VMware-style answers carry
// a VNC host, port and password. The URL and password are secrets for the
// requester only. GleSYS does not document how long they stay valid, so
// ExpiresAt is left zero.
func (d *Driver) Console(ctx context.Context, id string) (*driver.Console, error) {
	r, err := call[consoleResponse](ctx, d, "server/console", serverArgs{ServerID: id})
	if err != nil {
		return nil, serverErr(err, id)
	}
	c := r.Console
	host := c.Host
	if strings.EqualFold(host, "none") {
		host = "" // KVM answers host "None" next to the URL
	}
	switch {
	case c.URL != "":
		return &driver.Console{Kind: "web", URL: c.URL, Host: host, Port: c.Port, Password: c.Password}, nil
	case host != "":
		kind := strings.ToLower(c.Protocol)
		if kind == "" {
			kind = "vnc"
		}
		return &driver.Console{Kind: kind, Host: host, Port: c.Port, Password: c.Password}, nil
	}
	return nil, &fault.Error{Class: fault.Unavailable, Message: fmt.Sprintf("GleSYS returned no console address for server %s", id)}
}
