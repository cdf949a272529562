package demo

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// PTRs implements driver.PTRManager: every address of the server, with the
// hostname a user set or the provider's default.
func (d *Driver) PTRs(ctx context.Context, id string) ([]driver.PTR, error) {
	var out []driver.PTR
	err := d.view(ctx, func(f *Fleet, _ time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		for _, ip := range append(append([]string(nil), s.IPv4...), s.IPv6...) {
			h, ok := s.PTRs[ip]
			if !ok {
				h = d.defaultPTR(s)
			}
			out = append(out, driver.PTR{IP: ip, Hostname: h})
		}
		return nil
	})
	return out, err
}

// defaultPTR is the record a fresh address has, as hosting providers set it.
func (d *Driver) defaultPTR(s *ServerState) string {
	return s.ID + "." + d.region + ".demo.example"
}

// SetPTR implements driver.PTRManager.
func (d *Driver) SetPTR(ctx context.Context, id, ip, hostname string) error {
	addr, err := parseIP(ip)
	if err != nil {
		return err
	}
	if err := checkHostname(hostname); err != nil {
		return err
	}
	return d.update(ctx, func(f *Fleet, _ time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		key, err := ownAddress(s, addr)
		if err != nil {
			return err
		}
		if s.PTRs == nil {
			s.PTRs = map[string]string{}
		}
		s.PTRs[key] = strings.TrimSuffix(hostname, ".")
		return nil
	})
}

// ResetPTR implements driver.PTRManager: back to the default record.
func (d *Driver) ResetPTR(ctx context.Context, id, ip string) error {
	addr, err := parseIP(ip)
	if err != nil {
		return err
	}
	return d.update(ctx, func(f *Fleet, _ time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		key, err := ownAddress(s, addr)
		if err != nil {
			return err
		}
		delete(s.PTRs, key)
		return nil
	})
}

func parseIP(ip string) (netip.Addr, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fault.Errorf(fault.Invalid, "%q is not an IP address", ip)
	}
	return a, nil
}

// ownAddress returns the stored spelling of addr if it is one of s's
// addresses; "2001:DB8:100::1" and "2001:db8:100::1" are the same address.
func ownAddress(s *ServerState, addr netip.Addr) (string, error) {
	for _, ip := range append(append([]string(nil), s.IPv4...), s.IPv6...) {
		if a, err := netip.ParseAddr(ip); err == nil && a == addr.Unmap() {
			return ip, nil
		}
	}
	return "", fault.Errorf(fault.Invalid, "%s is not an address of this server", addr)
}

// checkHostname accepts a fully qualified host name (wire.ValidHostname).
func checkHostname(h string) error {
	if !wire.ValidHostname(h) {
		return fault.Errorf(fault.Invalid, "%q is not a valid hostname", h)
	}
	return nil
}
