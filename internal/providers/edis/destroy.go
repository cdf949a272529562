package edis

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// cancelResponse is the Order API's answer to a cancellation.
type cancelResponse struct {
	envelope
	ServiceID json.Number `json:"serviceid"`
}

// Destroy implements driver.Destroyer with a billing-level cancellation
// through the Order API (POST {order_url}/kvm/v2/cancel/product), which
// takes the raw account credentials, not a session. Config.CancelType
// decides its type: Immediate (default) ends the VPS now, and the
// Operation waits until EDIS no longer knows it; End of Billing
// Period leaves it running until then and completes at once. The
// Immediate Operation polls cheaply (see goneCheck) and logs in rarely.
// Only VPSes
// this instance can see (Config.KVMIDs) can be cancelled. The Order API
// call is never repeated by the driver.
func (d *Driver) Destroy(ctx context.Context, id string) (*driver.Operation, error) {
	if _, err := d.sess.get(ctx, id); err != nil {
		return nil, err
	}
	form := url.Values{
		"email": {d.cfg.Email},
		"pw":    {d.cfg.Password},
		"kvmid": {id},
		"type":  {string(d.cfg.CancelType)},
	}
	var r cancelResponse
	// Not a "mutation" for post: a plain-text 200 is not taken as
	// accepted here. The Order API documents JSON, and reading an
	// unexplained answer as a successful billing cancellation (End of
	// Billing Period completes at once) would report a delete that may
	// not have happened.
	if err := d.post(ctx, "cancel/product for "+id, d.orderURL+pathCancel, form, false, &r); err != nil {
		return nil, err
	}
	d.cfg.Logger.Info("edis: cancellation accepted", "server", id, "type", string(d.cfg.CancelType), "serviceid", r.ServiceID.String())
	if d.cfg.CancelType == CancelEndOfPeriod {
		return driver.Done("cancel " + id + " through the EDIS Order API at the end of the billing period " +
			"(billing-level cancellation, not immediate: the VPS keeps running until then)"), nil
	}
	desc := "cancel " + id + " through the EDIS Order API, type Immediate " +
		"(billing-level cancellation, effective now: the VPS and its data are removed)"
	return driver.PollUntil(desc, d.cfg.PollInterval, d.goneCheck(id)), nil
}

// Login pacing while waiting for an immediate cancellation to take effect.
const (
	// goneLoginFirst is the shortest time between two logins made by one
	// cancellation's Operation (or PollInterval, if longer); it doubles
	// after every such login up to goneLoginMax.
	goneLoginFirst = 10 * time.Second
	goneLoginMax   = time.Minute
)

// goneCheck returns the poll of an immediate cancellation. Each poll is
// one get/power with the session already held: an answer means the VPS is
// still there; a refused signature or a 404 means EDIS has removed it (the
// cancellation was accepted, and a removed VPS's signatures die with it).
// Only when there is no usable session, or as a safety net in case EDIS
// keeps answering for a removed VPS, does it log in to look at the
// account's listing — at most once per interval, the interval doubling
// from goneLoginFirst to goneLoginMax. The returned func keeps that state,
// so one Operation must not be waited on concurrently.
func (d *Driver) goneCheck(id string) func(context.Context) (driver.Progress, bool, error) {
	interval := max(goneLoginFirst, d.cfg.PollInterval)
	lastLogin := d.cfg.Clock() // Destroy has just looked at the listing
	waiting := driver.Progress{Percent: -1, Status: "cancelling", Message: "waiting for EDIS to remove " + id}
	gone := driver.Progress{Percent: 100, Status: "cancelled", Message: id + " is gone from the account"}
	return func(ctx context.Context) (driver.Progress, bool, error) {
		now := d.cfg.Clock()
		waiting.At, gone.At = now, now
		if se := d.sess.cached(id); se != nil {
			var p powerResponse
			err := d.callWith(ctx, se, epPower, nil, &p)
			switch {
			case err != nil && (isAuthFailure(err) || isHTTPNotFound(err)):
				return gone, true, nil
			case err != nil:
				return driver.Progress{}, false, err
			case now.Sub(lastLogin) < interval:
				return waiting, false, nil
			}
		} else if now.Sub(lastLogin) < interval {
			return waiting, false, nil // the session expired; log in when allowed
		}
		lastLogin, interval = now, min(2*interval, goneLoginMax)
		if err := d.sess.refresh(ctx, d.sess.generation()); err != nil {
			return driver.Progress{}, false, err
		}
		_, err := d.sess.get(ctx, id)
		switch fault.ClassOf(err) {
		case "":
			return waiting, false, nil
		case fault.NotFound:
			return gone, true, nil
		}
		return driver.Progress{}, false, err
	}
}
