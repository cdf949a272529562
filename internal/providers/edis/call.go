package edis

import (
	"context"
	"net/url"

	"github.com/vpsops/vpsops/internal/fault"
)

// call makes management call ep for VPS id with the session fields plus
// extra, decoding the answer into out. When the API rejects the session
// (auth failure, or a 404 from a node the VPS may have left) it logs in
// once more and repeats the call once: the rejection proves the call did
// not run, so repeating a mutation is safe. It never retries otherwise.
func (d *Driver) call(ctx context.Context, id string, ep endpoint, extra url.Values, out enveloped) error {
	se, err := d.sess.get(ctx, id)
	if err != nil {
		return err
	}
	err = d.callWith(ctx, se, ep, extra, out)
	if err == nil || !(isAuthFailure(err) || isHTTPNotFound(err)) {
		return err
	}
	d.cfg.Logger.Debug("edis: session rejected; logging in again", "server", id, "call", ep.name())
	if err := d.sess.refresh(ctx, se.gen); err != nil {
		return err
	}
	fresh, err := d.sess.get(ctx, id)
	if err != nil {
		return err // not_found: the VPS left the account (cancelled)
	}
	err = d.callWith(ctx, fresh, ep, extra, out)
	switch {
	case err == nil:
		return nil
	case isHTTPNotFound(err) && ep.unverified():
		return &fault.Error{Class: fault.Unsupported, Err: err,
			Message: "EDIS does not answer " + ep.name() + " (this path is unverified and seems wrong)"}
	case isHTTPNotFound(err):
		return &fault.Error{Class: fault.NotFound, Err: err, Message: "server " + id + " not found at its EDIS node"}
	}
	return err
}

// callWith makes ep with session se, without retrying.
func (d *Driver) callWith(ctx context.Context, se *session, ep endpoint, extra url.Values, out enveloped) error {
	host := se.apiHost
	if ep.onRDNS() {
		host = se.rdnsHost
		if host == "" {
			return fault.Errorf(fault.Unsupported, "EDIS gave no rDNS host for server %s", se.id)
		}
	}
	form := make(url.Values, len(extra)+3)
	for k, v := range extra {
		form[k] = v
	}
	form.Set("signature", se.signature)
	form.Set("kvm_id", se.id)
	form.Set("valid_until", se.validUntil)
	return d.post(ctx, ep.name()+" for "+se.id, d.cfg.APIScheme+"://"+host+string(ep), form, ep.mutates(), out)
}

// statusOnly is the answer of calls that return nothing but the envelope.
type statusOnly struct{ envelope }
