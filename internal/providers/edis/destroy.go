package edis

import (
	"context"
	"encoding/json"
	"net/url"

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
// Operation waits until the login no longer lists it; End of Billing
// Period leaves it running until then and completes at once. Only VPSes
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
	if err := d.post(ctx, "cancel/product for "+id, d.orderURL+pathCancel, form, &r); err != nil {
		return nil, err
	}
	d.cfg.Logger.Info("edis: cancellation accepted", "server", id, "type", string(d.cfg.CancelType), "serviceid", r.ServiceID.String())
	if d.cfg.CancelType == CancelEndOfPeriod {
		return driver.Done("cancel " + id + " through the EDIS Order API at the end of the billing period " +
			"(billing-level cancellation, not immediate: the VPS keeps running until then)"), nil
	}
	desc := "cancel " + id + " through the EDIS Order API, type Immediate " +
		"(billing-level cancellation, effective now: the VPS and its data are removed)"
	return driver.PollUntil(desc, d.cfg.PollInterval, func(ctx context.Context) (driver.Progress, bool, error) {
		if err := d.sess.refresh(ctx, d.sess.generation()); err != nil {
			return driver.Progress{}, false, err
		}
		_, err := d.sess.get(ctx, id)
		switch driver.ClassOf(err) {
		case "":
			return driver.Progress{Percent: -1, Status: "cancelling", Message: "waiting for EDIS to remove " + id, At: d.cfg.Clock()}, false, nil
		case driver.NotFound:
			return driver.Progress{Percent: 100, Status: "cancelled", Message: id + " is gone from the account", At: d.cfg.Clock()}, true, nil
		}
		return driver.Progress{}, false, err
	}), nil
}
