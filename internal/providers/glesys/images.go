package glesys

import (
	"context"
	"sort"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// templatesResponse is server/templates: templates grouped by platform.
type templatesResponse struct {
	Status    apiStatus                 `json:"status"`
	Templates map[string][]templateJSON `json:"templates"`
}

func (r templatesResponse) status() apiStatus { return r.Status }

type templateJSON struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	OperatingSystem string `json:"operatingsystem"`
	Platform        string `json:"platform"`
}

// Images lists the templates of server id's platform (KVM or VMware):
// what `server/create` could start it from. GleSYS has no reinstall, so
// this is for reference (replacing a server is destroy + create).
func (d *Driver) Images(ctx context.Context, id string) ([]driver.Image, error) {
	s, err := d.details(ctx, id)
	if err != nil {
		return nil, err
	}
	r, err := call[templatesResponse](ctx, d, "server/templates", struct{}{})
	if err != nil {
		return nil, err
	}
	var out []driver.Image
	for platform, ts := range r.Templates {
		if s.Platform != "" && platform != s.Platform {
			continue
		}
		for _, t := range ts {
			out = append(out, driver.Image{ID: t.ID, Name: t.Name, Kind: t.OperatingSystem})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
