package edis_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

func TestGetServerFields(t *testing.T) {
	e := newEnv(t, nil)
	s, err := e.d.GetServer(t.Context(), edistest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "v2eu" || s.Region != "DE" || s.Plan != "premium" || !slices.Equal(s.IPv4, []string{edistest.RunningIP}) ||
		s.Status != driver.StatusRunning || s.State != "server powered on" {
		t.Errorf("server = %+v", s)
	}
	want := map[string]driver.Metric{
		"traffic_month":    {Name: "traffic_month", Value: 6.7, Unit: "GB"},
		"traffic_included": {Name: "traffic_included", Value: 4000, Unit: "GB"},
		"cpu":              {Name: "cpu", Value: 12.5, Unit: "%"},
	}
	if len(s.Usage) != len(want) {
		t.Fatalf("usage = %+v", s.Usage)
	}
	for _, m := range s.Usage {
		if want[m.Name] != m {
			t.Errorf("metric %+v, want %+v", m, want[m.Name])
		}
	}
	sus, err := e.d.GetServer(t.Context(), edistest.SuspendedID)
	if err != nil {
		t.Fatal(err)
	}
	if sus.Status != driver.StatusSuspended || !strings.HasPrefix(sus.State, "suspended") {
		t.Errorf("suspended VPS: %+v", sus)
	}
}

// TestUsageBestEffort: a failing usage call leaves the metric out but
// the status stands.
func TestUsageBestEffort(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Inject(edistest.Fault{Path: "/kvm/v2/get/cpu_usage", Status: 500})
	s, err := e.d.GetServer(t.Context(), edistest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range s.Usage {
		if m.Name == "cpu" {
			t.Errorf("cpu metric %+v despite the failure", m)
		}
	}
	if len(s.Usage) != 2 {
		t.Errorf("usage = %+v, want the two traffic metrics", s.Usage)
	}
}

// TestListKeepsSickVPS: one VPS whose node fails is listed as unknown.
func TestListKeepsSickVPS(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Migrate(edistest.StoppedID) // to the secondary node, which then fails
	e.srv.Inject(edistest.Fault{Host: strings.TrimPrefix(e.srv.SecondaryURL, "http://"), Status: 503})
	list, err := e.d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		want := driver.StatusRunning
		switch s.ID {
		case edistest.StoppedID:
			want = driver.StatusUnknown
		case edistest.SuspendedID:
			want = driver.StatusSuspended
		}
		if s.Status != want {
			t.Errorf("%s: status %q, want %q (%s)", s.ID, s.Status, want, s.State)
		}
	}
}

func TestUnsupportedNotImplemented(t *testing.T) {
	e := newEnv(t, nil)
	var d driver.Driver = e.d
	if _, ok := d.(driver.Snapshotter); ok {
		t.Error("the driver implements Snapshotter; EDIS has no snapshot API")
	}
	if _, ok := d.(driver.SnapshotLister); ok {
		t.Error("the driver implements SnapshotLister; EDIS has no snapshot API")
	}
	acts := e.d.PowerActions()
	if slices.Contains(acts, driver.PowerStop) || slices.Contains(acts, driver.PowerReboot) {
		t.Errorf("PowerActions %v offers a graceful action EDIS lacks", acts)
	}
	for _, c := range []driver.Capability{driver.CapSnapshot, driver.CapSnapshots, driver.Capability(driver.PowerStop), driver.Capability(driver.PowerReboot)} {
		if e.d.Instead(c) == "" {
			t.Errorf("Instead(%q) is empty", c)
		}
	}
	if !strings.Contains(e.d.Instead(driver.Capability(driver.PowerStop)), "poweroff") {
		t.Error("stop advice does not mention poweroff")
	}
}

func TestTurnkeyReinstall(t *testing.T) {
	e := newEnv(t, nil, edistest.WithSteps(1))
	imgs, err := e.d.Images(t.Context(), edistest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, im := range imgs {
		kinds[im.ID] = im.Kind
	}
	if kinds[edistest.Image] != "os" || kinds[edistest.TurnkeyImg] != "turnkey" {
		t.Fatalf("kinds = %v", kinds)
	}
	op, err := e.d.Reinstall(t.Context(), edistest.RunningID, driver.ReinstallOptions{Image: edistest.TurnkeyImg, Password: "Pw-123456"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(op.Description, "turnkey") {
		t.Errorf("description %q", op.Description)
	}
	wait(t, op)
	if n := e.srv.Count("/kvm/v2/set/turnkey_reinstall"); n != 1 {
		t.Errorf("turnkey_reinstall requests = %d", n)
	}
	if n := e.srv.Count("/kvm/v2/set/reinstall"); n != 0 {
		t.Errorf("reinstall requests = %d, want 0", n)
	}
	if v, _ := e.srv.Snapshot(edistest.RunningID); v.Image != edistest.TurnkeyImg || !v.On {
		t.Errorf("after the turnkey reinstall: image %q on %v", v.Image, v.On)
	}
	_, err = e.d.Reinstall(t.Context(), edistest.RunningID, driver.ReinstallOptions{Image: edistest.Image})
	if c := driverErr(t, "Reinstall without password", err).Class; c != fault.Invalid {
		t.Errorf("class %q, want invalid", c)
	}
}

func TestDestroy(t *testing.T) {
	t.Run("immediate", func(t *testing.T) {
		e := newEnv(t, nil)
		op, err := e.d.Destroy(t.Context(), edistest.RunningID)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"cancel", "billing-level", "Immediate", "removed"} {
			if !strings.Contains(op.Description, w) {
				t.Errorf("description %q lacks %q", op.Description, w)
			}
		}
		wait(t, op)
		if _, ok := e.srv.Snapshot(edistest.RunningID); ok {
			t.Error("VPS still exists")
		}
		if n := e.srv.Count(edistest.PathCancel); n != 1 {
			t.Errorf("cancel requests = %d", n)
		}
	})
	t.Run("end of billing period", func(t *testing.T) {
		e := newEnv(t, func(c *edis.Config) { c.CancelType = edis.CancelEndOfPeriod })
		op, err := e.d.Destroy(t.Context(), edistest.RunningID)
		if err != nil {
			t.Fatal(err)
		}
		if op.Wait != nil || !strings.Contains(op.Description, "end of the billing period") || !strings.Contains(op.Description, "not immediate") {
			t.Errorf("operation %q (wait %v)", op.Description, op.Wait != nil)
		}
		v, ok := e.srv.Snapshot(edistest.RunningID)
		if !ok || v.CancelType != "End of Billing Period" {
			t.Errorf("VPS %+v exists %v", v, ok)
		}
		_, err = e.d.Destroy(t.Context(), edistest.RunningID)
		if c := driverErr(t, "second cancel", err).Class; c != fault.Conflict {
			t.Errorf("second cancellation: %v, want conflict", err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		e := newEnv(t, nil)
		if _, err := e.d.ListServers(t.Context()); err != nil {
			t.Fatal(err)
		}
		e.srv.Inject(edistest.Fault{Path: edistest.PathCancel, Status: 401, Body: `{"status":"error","msg":"invalid credentials"}`})
		_, err := e.d.Destroy(t.Context(), edistest.RunningID)
		if c := driverErr(t, "Destroy", err).Class; c != fault.Unauthenticated {
			t.Errorf("class %q, want unauthenticated", c)
		}
		if n := e.srv.Count(edistest.PathCancel); n != 1 {
			t.Errorf("cancel requests = %d, want 1 (never repeated)", n)
		}
	})
}

func TestConsole(t *testing.T) {
	e := newEnv(t, nil)
	c, err := e.d.Console(t.Context(), edistest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := e.srv.Snapshot(edistest.RunningID)
	if c.Kind != "vnc" || c.Host != "example.edis.at" || c.Port != 5901 || len(c.Password) != 8 || c.Password != v.VNCPassword {
		t.Errorf("console %+v, emulator password set: %v", c, c.Password == v.VNCPassword)
	}
	c2, err := e.d.Console(t.Context(), edistest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Password == c.Password {
		t.Error("two consoles share a password")
	}
}

func TestISOAndPTRInvalid(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.d.MountISO(t.Context(), edistest.RunningID, "evil.iso")
	if c := driverErr(t, "MountISO", err).Class; c != fault.Invalid {
		t.Errorf("MountISO(unknown): class %q", c)
	}
	if n := e.srv.Count("/kvm/v2/set/mount"); n != 0 {
		t.Errorf("set/mount requests = %d, want 0", n)
	}
	for _, ip := range []string{"not-an-ip", "fe80::1%eth0"} {
		err := e.d.SetPTR(t.Context(), edistest.RunningID, ip, "a.example.com")
		if c := driverErr(t, "SetPTR", err).Class; c != fault.Invalid {
			t.Errorf("SetPTR(%q): class %q", ip, c)
		}
	}
	// IPv6 owned by the VPS but not listed by the login: EDIS decides.
	if err := e.d.SetPTR(t.Context(), edistest.RunningID, "2001:DB8::1", "v6.example.com."); err != nil {
		t.Fatalf("SetPTR(v6): %v", err)
	}
	if v, _ := e.srv.Snapshot(edistest.RunningID); v.PTR[edistest.RunningIPv6] != "v6.example.com" {
		t.Errorf("PTR map %v", v.PTR)
	}
}

func TestConfigValidation(t *testing.T) {
	base := func() edis.Config {
		c := edis.NewDefaultConfig()
		c.Email, c.Password = "a@example.com", "Top+Secret"
		return c
	}
	tests := []struct {
		name  string
		mod   func(*edis.Config)
		field string
	}{
		{"no email", func(c *edis.Config) { c.Email = "" }, "email"},
		{"no password", func(c *edis.Config) { c.Password = "" }, "password"},
		{"bad scheme", func(c *edis.Config) { c.APIScheme = "ftp" }, "api_scheme"},
		{"bad session url", func(c *edis.Config) { c.SessionURL = "session.edisglobal.com" }, "session_url"},
		{"order url with credentials", func(c *edis.Config) { c.OrderURL = "https://u:Top+Secret@order.example" }, "order_url"},
		{"bad kvm id", func(c *edis.Config) { c.KVMIDs = []string{"kvm/../x"} }, "kvm_ids"},
		{"bad cancel type", func(c *edis.Config) { c.CancelType = "now" }, "cancel_type"},
		{"plain http session url", func(c *edis.Config) { c.SessionURL = "http://session.edisglobal.com" }, "session_url"},
		{"plain http order url", func(c *edis.Config) { c.OrderURL = "http://order.edisglobal.com" }, "order_url"},
		{"order url with a query", func(c *edis.Config) { c.OrderURL = "https://order.example/?k=Top+Secret" }, "order_url"},
		{"api scheme http with EDIS's session host", func(c *edis.Config) { c.APIScheme = "http" }, "api_scheme"},
		{"api scheme http with a remote session host", func(c *edis.Config) {
			c.SessionURL, c.APIScheme = "https://edis-proxy.example", "http"
		}, "api_scheme"},
	}
	for _, tc := range tests {
		c := base()
		tc.mod(&c)
		_, err := edis.New(c)
		if err == nil || fault.ClassOf(err) != fault.Invalid || !strings.Contains(err.Error(), tc.field) || strings.Contains(err.Error(), "Top+Secret") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := edis.New(base()); err != nil {
		t.Errorf("valid config: %v", err)
	}
	local := base()
	local.SessionURL, local.OrderURL, local.APIScheme = "http://127.0.0.1:8080", "http://[::1]:8081", "http"
	if _, err := edis.New(local); err != nil {
		t.Errorf("emulator config on loopback: %v", err)
	}
}
