package glesys

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

type ipResponse struct {
	envelope
	Details struct {
		Address string `json:"ipaddress"`
		PTR     string `json:"ptr"`
	} `json:"details"`
}

type ipArgs struct {
	IPAddress string `json:"ipaddress"`
}

type setPTRArgs struct {
	IPAddress string `json:"ipaddress"`
	Data      string `json:"data"`
}

// PTRs implements driver.PTRManager: the server's addresses from
// server/details, then each one's record from ip/details.
func (d *Driver) PTRs(ctx context.Context, id string) ([]driver.PTR, error) {
	s, err := d.details(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]driver.PTR, 0, len(s.IPList))
	for _, ip := range addresses(s) {
		r, err := call[ipResponse](ctx, d, "ip/details", ipArgs{IPAddress: ip})
		if err != nil {
			return nil, ipErr(err, ip)
		}
		out = append(out, driver.PTR{IP: ip, Hostname: r.Details.PTR})
	}
	return out, nil
}

// SetPTR implements driver.PTRManager with ip/setptr. The address must be
// one of server id's, so a command about one server cannot change another
// server's record; the hostname is sent fully qualified, with the trailing
// dot the reference's example uses.
func (d *Driver) SetPTR(ctx context.Context, id, ip, hostname string) error {
	h := strings.TrimSuffix(hostname, ".")
	if !wire.ValidHostname(h) {
		return fault.Errorf(fault.Invalid, "%q is not a valid hostname for a PTR record", hostname)
	}
	addr, err := d.ownAddress(ctx, id, ip)
	if err != nil {
		return err
	}
	if _, err := call[ipResponse](ctx, d, "ip/setptr", setPTRArgs{IPAddress: addr, Data: h + "."}); err != nil {
		return ipErr(err, addr)
	}
	return nil
}

// ResetPTR implements driver.PTRManager with ip/resetptr, which restores
// GleSYS's default record (there is no delete).
func (d *Driver) ResetPTR(ctx context.Context, id, ip string) error {
	addr, err := d.ownAddress(ctx, id, ip)
	if err != nil {
		return err
	}
	if _, err := call[ipResponse](ctx, d, "ip/resetptr", ipArgs{IPAddress: addr}); err != nil {
		return ipErr(err, addr)
	}
	return nil
}

// ownAddress returns ip as server id lists it, or Invalid when it is not
// one of the server's addresses.
func (d *Driver) ownAddress(ctx context.Context, id, ip string) (string, error) {
	want, err := netip.ParseAddr(ip)
	if err != nil {
		return "", fault.Errorf(fault.Invalid, "%q is not an IP address", ip)
	}
	s, err := d.details(ctx, id)
	if err != nil {
		return "", err
	}
	for _, a := range addresses(s) {
		if got, err := netip.ParseAddr(a); err == nil && got.Unmap() == want.Unmap() {
			return a, nil
		}
	}
	return "", fault.Errorf(fault.Invalid, "%s is not an address of server %s", ip, id)
}

// ipErr words a NotFound from an ip/ function as the address being
// unknown to the project.
func ipErr(err error, ip string) error {
	if fault.ClassOf(err) == fault.NotFound {
		return &fault.Error{Class: fault.NotFound, Message: fmt.Sprintf("IP address %s not found in the project", ip), Err: err}
	}
	return err
}
