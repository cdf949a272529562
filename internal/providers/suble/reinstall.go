package suble

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// osImage is one entry of the rebuild catalogue.
type osImage struct{ os, version, name string }

// images is the static rebuild catalogue from the reference ("OS list for
// rebuild: fixed list in docs"); Suble has no image-list endpoint, so this
// list is unverified against the live service and may lag behind it.
var images = []osImage{
	{"ubuntu", "24.04", "Ubuntu 24.04 LTS"},
	{"ubuntu", "22.04", "Ubuntu 22.04 LTS"},
	{"ubuntu", "20.04", "Ubuntu 20.04 LTS"},
	{"debian", "12", "Debian 12"},
	{"debian", "11", "Debian 11"},
	{"rocky", "9", "Rocky Linux 9"},
	{"rocky", "8", "Rocky Linux 8"},
	{"almalinux", "9", "AlmaLinux 9"},
	{"almalinux", "8", "AlmaLinux 8"},
	{"centos", "8", "CentOS 8"},
	{"centos", "7", "CentOS 7"},
}

func (im osImage) id() string { return im.os + "-" + im.version }

// Images implements driver.Reinstaller with the static catalogue, after
// checking that server id exists.
func (d *Driver) Images(ctx context.Context, id string) ([]driver.Image, error) {
	if _, err := d.lookup(ctx, id); err != nil {
		return nil, err
	}
	out := make([]driver.Image, len(images))
	for i, im := range images {
		out[i] = driver.Image{ID: im.id(), Name: im.name + " (static list)", Kind: "os"}
	}
	return out, nil
}

// Reinstall implements driver.Reinstaller with POST P/rebuild. Suble
// rebuilds only a stopped server: a running one is a Conflict telling to
// stop it first; the driver never stops it on its own. The API takes SSH
// key uids (Config.RebuildSSHKeys), not a password: o.Password cannot be
// applied, which the Operation's description says; Suble generates the
// login. A hostname cannot be set either, and is refused.
func (d *Driver) Reinstall(ctx context.Context, id string, o driver.ReinstallOptions) (*driver.Operation, error) {
	im, ok := findImage(o.Image)
	if !ok {
		ids := make([]string, len(images))
		for i, x := range images {
			ids[i] = x.id()
		}
		return nil, fault.Errorf(fault.Invalid, "unknown image %q; Suble offers %s", o.Image, strings.Join(ids, ", "))
	}
	if o.Hostname != "" {
		return nil, fault.Errorf(fault.Invalid, "Suble's rebuild cannot set a hostname; leave it empty")
	}
	if err := d.checkServer(id); err != nil {
		return nil, err
	}
	body := rebuildRequest{OS: im.os, Version: im.version, SSHKeys: d.cfg.RebuildSSHKeys}
	sent := d.cfg.Clock()
	var reply struct {
		Success bool `json:"success"`
	}
	if err := d.do(ctx, d.vpsCall(http.MethodPost, id, "rebuild", permVPSDelete, body), &reply); err != nil {
		return nil, err
	}
	if !reply.Success {
		return nil, fault.Errorf(fault.Unavailable, "Suble did not confirm the rebuild of server %s", id)
	}
	desc := fmt.Sprintf("rebuild server %s with %s", id, im.id())
	if o.Password != "" {
		desc += " (Suble generates the login; the requested password is not applied)"
	}
	return d.poll(desc, d.rebuildCheck(id, sent)), nil
}

// rebuildRequest is the body of POST P/rebuild.
type rebuildRequest struct {
	OS      string   `json:"os"`
	Version string   `json:"version"`
	SSHKeys []string `json:"sshkeys,omitempty"`
}

func findImage(id string) (osImage, bool) {
	for _, im := range images {
		if im.id() == id {
			return im, true
		}
	}
	return osImage{}, false
}

// quietStoppedPolls is how many polls in a row must find the server
// stopped, with no rebuild word ever shown, before a rebuild counts as
// done. The live API may never show a rebuild word (see rebuildingStates
// in unverified.go), and a rebuild that leaves the server stopped would
// otherwise be waited for until the operation's deadline.
const quietStoppedPolls = 3

// rebuildCheck is one poll of a rebuild accepted at sent. It is done when
//   - the server runs with an uptime no longer than the time since sent
//     (it booted after the request; an older uptime is a stale answer);
//   - it is stopped after having shown any other state than stopped or
//     running (a rebuild word, or a word the driver does not know); or
//   - it has been stopped for quietStoppedPolls polls in a row without
//     ever showing such a state, which is all an API without a rebuild
//     word can tell. The message says so rather than claim certainty.
func (d *Driver) rebuildCheck(id string, sent time.Time) func(context.Context) (driver.Progress, bool, error) {
	seen, stopped := false, 0
	return func(ctx context.Context) (driver.Progress, bool, error) {
		st, err := d.status(ctx, id)
		if err != nil {
			return driver.Progress{}, false, err
		}
		s := vmState(st.Status)
		if s == driver.StatusStopped {
			stopped++
		} else {
			stopped = 0
		}
		switch {
		case s == driver.StatusRunning && st.uptime() <= d.cfg.Clock().Sub(sent):
			return driver.Progress{Percent: 100, Status: st.Status, Message: fmt.Sprintf("server %s rebuilt; it is %s", id, st.Status)}, true, nil
		case s == driver.StatusStopped && seen:
			return driver.Progress{Percent: 100, Status: st.Status, Message: fmt.Sprintf("server %s rebuilt; it is %s", id, st.Status)}, true, nil
		case s == driver.StatusStopped && stopped >= quietStoppedPolls:
			return driver.Progress{Percent: 100, Status: st.Status, Message: fmt.Sprintf(
				"server %s is stopped and Suble showed no rebuild under way in %d checks; taking the rebuild as done", id, stopped)}, true, nil
		case s != driver.StatusStopped && s != driver.StatusRunning:
			seen = true
			return driver.Progress{Percent: -1, Status: "installing", Message: fmt.Sprintf("Suble is rebuilding server %s (%s)", id, st.Status)}, false, nil
		}
		return driver.Progress{Percent: -1, Status: "waiting", Message: fmt.Sprintf("waiting for the rebuild of server %s (Suble reports %s)", id, st.Status)}, false, nil
	}
}

// SetsRootPassword is false: a rebuild installs the configured SSH keys
// (Config.RebuildSSHKeys) and Suble generates the login, so the command
// layer neither generates nor accepts a password for it.
func (d *Driver) SetsRootPassword() bool { return false }
