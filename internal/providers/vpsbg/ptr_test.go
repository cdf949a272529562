package vpsbg_test

import (
	"net/http"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

func TestPTRv4AndV6(t *testing.T) {
	d, srv := newDriver(t)
	ctx := t.Context()
	for _, ip := range []string{vpsbgtest.RunningIP, vpsbgtest.RunningIPv6} {
		if err := d.SetPTR(ctx, vpsbgtest.RunningID, ip, "mail.example.com."); err != nil {
			t.Fatalf("SetPTR(%s): %v", ip, err)
		}
		if got := srv.PTR(ip); got != "mail.example.com" {
			t.Errorf("emulator holds %q for %s", got, ip)
		}
	}
	ptrs, err := d.PTRs(ctx, vpsbgtest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	want := []driver.PTR{{IP: vpsbgtest.RunningIP, Hostname: "mail.example.com"}, {IP: vpsbgtest.RunningIPv6, Hostname: "mail.example.com"}}
	if len(ptrs) != 2 || ptrs[0] != want[0] || ptrs[1] != want[1] {
		t.Errorf("PTRs = %+v, want %+v", ptrs, want)
	}
	for _, ip := range []string{vpsbgtest.RunningIP, vpsbgtest.RunningIPv6} {
		if err := d.ResetPTR(ctx, vpsbgtest.RunningID, ip); err != nil {
			t.Fatalf("ResetPTR(%s): %v", ip, err)
		}
		if got := srv.PTR(ip); got != "" {
			t.Errorf("after reset, emulator holds %q for %s", got, ip)
		}
	}
	// The v4 address (id 416) and the v6 subnet (id 418) were patched.
	if srv.Count(http.MethodPatch, "/ip-addresses/416") != 2 || srv.Count(http.MethodPatch, "/ip-addresses/418") != 2 {
		t.Errorf("PATCH calls: %+v", srv.Calls())
	}
	for _, bad := range []struct{ ip, host string }{
		{"2a01:8740:2::1", "x.example.com"}, // outside the subnet
		{"87.121.52.160", "x.example.com"},  // another server's address
		{"not-an-ip", "x.example.com"},
		{vpsbgtest.RunningIP, "-bad-.example.com"},
		{vpsbgtest.RunningIP, "localhost"},
	} {
		if err := d.SetPTR(ctx, vpsbgtest.RunningID, bad.ip, bad.host); fault.ClassOf(err) != fault.Invalid {
			t.Errorf("SetPTR(%s, %s): %v, want invalid", bad.ip, bad.host, err)
		}
	}
}
