package cyberpanel

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Console implements driver.Consoler: a noVNC URL on the Proxmox node
// (port 8006), valid for expires_in_seconds (300). The URL is a secret for
// the requester only; it is never logged.
func (d *Driver) Console(ctx context.Context, id string) (*driver.Console, error) {
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	var res struct {
		ConsoleURL       string `json:"console_url"`
		Type             string `json:"type"`
		ExpiresInSeconds int    `json:"expires_in_seconds"`
	}
	if err := d.do(ctx, call{method: http.MethodGet, path: pathConsole(id), scope: "vps:read", what: what}, &res); err != nil {
		return nil, err
	}
	u, err := url.Parse(res.ConsoleURL)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		// err would quote the URL: keep it out of the chain.
		return nil, fault.Errorf(fault.Unavailable, "malformed response from CyberPanel for %s: console URL is not an http(s) URL", what)
	}
	c := &driver.Console{Kind: res.Type, URL: res.ConsoleURL, Host: u.Hostname()}
	if c.Kind == "" {
		c.Kind = "novnc"
	}
	if p, err := strconv.Atoi(u.Port()); err == nil {
		c.Port = p
	}
	if res.ExpiresInSeconds > 0 {
		c.ExpiresAt = d.now().Add(time.Duration(res.ExpiresInSeconds) * time.Second)
	}
	return c, nil
}
