package edis

import (
	"context"
	"net/url"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Image kinds.
const (
	kindOS      = "os"      // get/images, installed with set/reinstall
	kindTurnkey = "turnkey" // get/turnkey_images, installed with set/turnkey_reinstall
)

// listResponse is the shape of get/images, get/turnkey_images and get/isos.
type listResponse struct {
	envelope
	Data []string `json:"data"`
}

// Images implements driver.Reinstaller: the autoinstall images (kind
// "os") and the turnkey apps (kind "turnkey"). Turnkey images are best
// effort: if that list fails, the OS images are still returned.
func (d *Driver) Images(ctx context.Context, id string) ([]driver.Image, error) {
	var osList, tkList listResponse
	if err := d.call(ctx, id, epImages, nil, &osList); err != nil {
		return nil, err
	}
	if err := d.call(ctx, id, epTurnkeyImages, nil, &tkList); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		d.cfg.Logger.Debug("edis: turnkey images unavailable", "server", id, "class", fault.ClassOf(err), "error", err.Error())
	}
	seen := map[string]bool{}
	var out []driver.Image
	add := func(names []string, kind string) {
		for _, n := range names {
			if n = strings.TrimSpace(n); n != "" && !seen[n] {
				seen[n] = true
				out = append(out, driver.Image{ID: n, Name: n, Kind: kind})
			}
		}
	}
	add(osList.Data, kindOS)
	add(tkList.Data, kindTurnkey)
	return out, nil
}

// Reinstall implements driver.Reinstaller. The image must be one Images
// lists (image names change over time); its kind picks set/reinstall or
// set/turnkey_reinstall. EDIS e-mails no credentials, so a root password
// is required and the caller must hand it to the requester. Hostname is
// not supported by the API and is ignored. The Operation polls get/power
// until the VPS is seen reinstalling and running again; EDIS gives no
// percentage.
func (d *Driver) Reinstall(ctx context.Context, id string, o driver.ReinstallOptions) (*driver.Operation, error) {
	switch {
	case o.Image == "":
		return nil, fault.Errorf(fault.Invalid, "reinstall needs an image; list them with images")
	case o.Password == "":
		return nil, fault.Errorf(fault.Invalid, "reinstall on EDIS needs a root password: EDIS e-mails no credentials")
	case strings.ContainsAny(o.Password, "\r\n\x00"):
		return nil, fault.Errorf(fault.Invalid, "the root password contains a line break or NUL")
	}
	imgs, err := d.Images(ctx, id)
	if err != nil {
		return nil, err
	}
	kind := ""
	for _, im := range imgs {
		if im.ID == o.Image {
			kind = im.Kind
		}
	}
	form := url.Values{"image": {o.Image}}
	ep := epReinstall
	switch kind {
	case kindOS:
		form.Set("password", o.Password)
	case kindTurnkey:
		ep = epTurnkeyReinstall
		form.Set(turnkeyPasswordField, o.Password)
	default:
		return nil, fault.Errorf(fault.Invalid, "image %q is not offered for %s; list them with images", o.Image, id)
	}
	var r statusOnly
	if err := d.call(ctx, id, ep, form, &r); err != nil {
		return nil, err
	}
	desc := "reinstall " + id + " with " + o.Image
	if kind == kindTurnkey {
		desc += " (turnkey app)"
	}
	return d.await(desc, id, "reinstalling", driver.StatusRunning, true), nil
}
