package vpsbg

import (
	"context"
	"net/http"
	"strconv"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Images implements driver.Reinstaller: the account's installable images
// (the list does not depend on the server, which is read first so an
// unknown id is not_found). The endpoint's path is UNVERIFIED.
func (d *Driver) Images(ctx context.Context, id string) ([]driver.Image, error) {
	n, err := serverID(id)
	if err != nil {
		return nil, err
	}
	if _, err := d.details(ctx, n); err != nil {
		return nil, err
	}
	items, err := listAll[apiImage](ctx, d, pathImages, nil, 0, "list images")
	if err != nil {
		return nil, err
	}
	out := make([]driver.Image, 0, len(items))
	for _, im := range items {
		img := driver.Image{ID: strconv.FormatInt(im.ID, 10), Name: im.Name}
		if im.Group != nil {
			img.Kind = im.Group.Type
		}
		out = append(out, img)
	}
	return out, nil
}

// Reinstall implements driver.Reinstaller. o.Image is an image id from
// Images; o.Password (optional, a secret) becomes the root password. The
// API has no hostname field for a reinstall, so o.Hostname is refused.
// The request's path and body are UNVERIFIED (see unverified.go).
func (d *Driver) Reinstall(ctx context.Context, id string, o driver.ReinstallOptions) (*driver.Operation, error) {
	n, err := serverID(id)
	if err != nil {
		return nil, err
	}
	if o.Hostname != "" {
		return nil, fault.Errorf(fault.Invalid, "VPSBG cannot set a hostname while reinstalling; change it in the control panel")
	}
	img, err := strconv.ParseInt(o.Image, 10, 64)
	if err != nil || img <= 0 {
		return nil, fault.Errorf(fault.Invalid, "image %q is not a VPSBG image id (see list images)", o.Image)
	}
	srv, err := d.details(ctx, n)
	if err != nil {
		return nil, err
	}
	if err := actionable(srv, "reinstall"); err != nil {
		return nil, err
	}
	what := serverWhat(n)
	err = d.do(ctx, call{method: http.MethodPost, path: pathReinstall(n),
		body:   reinstallBody{ImageID: img, Password: o.Password},
		action: "reinstall " + what, what: what, secrets: []string{o.Password}}, nil)
	if err != nil {
		return nil, err
	}
	desc := "reinstall " + describe(srv) + " with image " + o.Image
	return d.track(desc, n, goal{running: true, again: true, phase: "reinstalling", done: "running"}), nil
}
