package vpsbg

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// PTRs implements driver.PTRManager from the server's ip_addresses: each
// IPv4 address with its record ("" when none is set) and each record set
// inside an IPv6 subnet.
func (d *Driver) PTRs(ctx context.Context, id string) ([]driver.PTR, error) {
	n, err := serverID(id)
	if err != nil {
		return nil, err
	}
	srv, err := d.details(ctx, n)
	if err != nil {
		return nil, err
	}
	var out []driver.PTR
	for _, ip := range srv.IPAddresses {
		host, subnet := decodePTR(ip.PTR)
		switch {
		case ip.Version == 4:
			out = append(out, driver.PTR{IP: ip.IPAddress, Hostname: host})
		case ip.Version == 6 && subnet != nil:
			addrs := make([]string, 0, len(subnet))
			for a := range subnet {
				addrs = append(addrs, a)
			}
			slices.Sort(addrs)
			for _, a := range addrs {
				out = append(out, driver.PTR{IP: a, Hostname: subnet[a]})
			}
		case ip.Version == 6 && host != "":
			out = append(out, driver.PTR{IP: ip.IPAddress, Hostname: host})
		}
	}
	return out, nil
}

// decodePTR reads the "ptr" field: null, a hostname, or a map of address
// to hostname (IPv6 subnets). Anything else reads as no record.
func decodePTR(raw json.RawMessage) (string, map[string]string) {
	var host string
	if json.Unmarshal(raw, &host) == nil {
		return host, nil
	}
	var m map[string]*string
	if json.Unmarshal(raw, &m) == nil && m != nil {
		out := make(map[string]string, len(m))
		for a, h := range m {
			if h != nil {
				out[a] = *h
			}
		}
		return "", out
	}
	return "", nil
}

// SetPTR implements driver.PTRManager: PATCH /ip-addresses/{id} of the
// server's address entry holding ip.
func (d *Driver) SetPTR(ctx context.Context, id, ip, hostname string) error {
	hostname = strings.TrimSuffix(hostname, ".")
	if !wire.ValidHostname(hostname) {
		return fault.Errorf(fault.Invalid, "%q is not a valid hostname for a PTR record", hostname)
	}
	return d.patchPTR(ctx, id, ip, &hostname)
}

// ResetPTR implements driver.PTRManager by clearing the record; the
// clearing value is UNVERIFIED (see unverified.go).
func (d *Driver) ResetPTR(ctx context.Context, id, ip string) error {
	return d.patchPTR(ctx, id, ip, resetPTRValue)
}

func (d *Driver) patchPTR(ctx context.Context, id, ip string, host *string) error {
	n, err := serverID(id)
	if err != nil {
		return err
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return fault.Errorf(fault.Invalid, "%q is not an IP address", ip)
	}
	srv, err := d.details(ctx, n)
	if err != nil {
		return err
	}
	entry, ok := findIP(srv.IPAddresses, addr)
	if !ok {
		return fault.Errorf(fault.Invalid, "address %s does not belong to server %d", addr, n)
	}
	var body any = map[string]*string{"ptr": host}
	if entry.Version == 6 && entry.IPAddress != addr.String() {
		// a subnet: records are set per address inside it
		body = map[string]map[string]*string{"ptr": {addr.String(): host}}
	}
	return d.do(ctx, call{method: http.MethodPatch, path: "/ip-addresses/" + strconv.FormatInt(entry.ID, 10), body: body,
		action: "set the PTR record of " + addr.String(), what: "IP address " + addr.String()}, nil)
}

// findIP returns the entry that is addr, or the IPv6 subnet containing it.
func findIP(ips []apiIP, addr netip.Addr) (apiIP, bool) {
	for _, e := range ips {
		a, err := netip.ParseAddr(strings.SplitN(e.IPAddress, "/", 2)[0])
		if err != nil {
			continue
		}
		if a == addr {
			return e, true
		}
		if e.Version == 6 && addr.Is6() && e.Prefix > 0 {
			if p, err := a.Prefix(e.Prefix); err == nil && p.Contains(addr) {
				return e, true
			}
		}
	}
	return apiIP{}, false
}
