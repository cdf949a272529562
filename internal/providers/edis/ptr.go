package edis

import (
	"context"
	"encoding/json"
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// PTRs implements driver.PTRManager for the VPS's primary IP, the one
// address the login reports (EDIS has no call listing a VPS's addresses).
// An address without a record is returned with an empty Hostname.
func (d *Driver) PTRs(ctx context.Context, id string) ([]driver.PTR, error) {
	se, err := d.sess.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if se.primaryIP == "" {
		return nil, nil
	}
	ips, _ := json.Marshal([]string{se.primaryIP})
	var r ptrResponse
	if err := d.call(ctx, id, epPTRGet, d.ptrForm(se, string(ips)), &r); err != nil {
		return nil, err
	}
	recs := r.records()
	out := []driver.PTR{{IP: se.primaryIP, Hostname: recs[se.primaryIP]}}
	for _, ip := range slices.Sorted(maps.Keys(recs)) {
		if ip != se.primaryIP {
			out = append(out, driver.PTR{IP: ip, Hostname: recs[ip]})
		}
	}
	return out, nil
}

// SetPTR implements driver.PTRManager. Whether ip belongs to the VPS is
// for EDIS to decide (the driver knows only the primary IP).
func (d *Driver) SetPTR(ctx context.Context, id, ip, hostname string) error {
	addr, err := parseIP(ip)
	if err != nil {
		return err
	}
	host := strings.TrimSuffix(strings.ToLower(hostname), ".")
	if !wire.ValidHostname(host) {
		return fault.Errorf(fault.Invalid, "%q is not a valid host name for a PTR record", hostname)
	}
	se, err := d.sess.get(ctx, id)
	if err != nil {
		return err
	}
	m, _ := json.Marshal(map[string]string{addr: host})
	var r statusOnly
	return d.call(ctx, id, epPTRSet, d.ptrForm(se, string(m)), &r)
}

// ResetPTR implements driver.PTRManager by deleting ip's record.
func (d *Driver) ResetPTR(ctx context.Context, id, ip string) error {
	addr, err := parseIP(ip)
	if err != nil {
		return err
	}
	se, err := d.sess.get(ctx, id)
	if err != nil {
		return err
	}
	l, _ := json.Marshal([]string{addr})
	var r statusOnly
	return d.call(ctx, id, epPTRDel, d.ptrForm(se, string(l)), &r)
}

// ptrForm is the extra fields of a PTR call: api_host and ip (JSON).
func (d *Driver) ptrForm(se *session, ipJSON string) url.Values {
	return url.Values{"api_host": {ptrAPIHostField(se)}, "ip": {ipJSON}}
}

// parseIP returns ip in canonical form, or an Invalid error.
func parseIP(ip string) (string, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil || a.Zone() != "" {
		return "", fault.Errorf(fault.Invalid, "%q is not an IP address", ip)
	}
	return a.String(), nil
}
