package cyberpanel

import (
	"context"
	"net/http"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Images implements driver.ImageLister with the platform's OS templates
// (ids are strings such as "9000" for Ubuntu 22.04). They are the same for
// every server and usable only when creating one: there is no reinstall
// endpoint, so the Driver is not a driver.Reinstaller. The server is read
// first so that an unknown id is not_found, as for every per-server call.
func (d *Driver) Images(ctx context.Context, id string) ([]driver.Image, error) {
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	if err := d.do(ctx, call{method: http.MethodGet, path: pathVPS(id), scope: "vps:read", what: what}, nil); err != nil {
		return nil, err
	}
	var res struct {
		Templates []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			OS   string `json:"os"`
		} `json:"templates"`
	}
	if err := d.do(ctx, call{method: http.MethodGet, path: pathTemplates, scope: "vps:read", what: "the template list"}, &res); err != nil {
		return nil, err
	}
	out := make([]driver.Image, 0, len(res.Templates))
	for _, t := range res.Templates {
		if t.ID == "" {
			continue
		}
		name := t.Name
		if t.OS != "" && t.OS != t.Name {
			name += " (" + t.OS + ")"
		}
		out = append(out, driver.Image{ID: t.ID, Name: name, Kind: "template"})
	}
	return out, nil
}
