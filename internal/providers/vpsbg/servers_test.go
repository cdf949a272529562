package vpsbg_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// sept30 is noon of the last day in the emulator's bandwidth example.
var sept30 = time.Date(2024, 9, 30, 12, 0, 0, 0, time.UTC)

func atSept30(c *vpsbg.Config) { c.Clock = func() time.Time { return sept30 } }

func metric(s *driver.Server, name string) (driver.Metric, bool) {
	i := slices.IndexFunc(s.Usage, func(m driver.Metric) bool { return m.Name == name })
	if i < 0 {
		return driver.Metric{}, false
	}
	return s.Usage[i], true
}

func TestGetServerFields(t *testing.T) {
	d, _ := newDriverWith(t, atSept30)
	s, err := d.GetServer(t.Context(), vpsbgtest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	want := driver.Server{
		ID: "2864", Name: "ubuntu-2gb", Status: driver.StatusRunning, State: "active, running",
		IPv4: []string{"87.121.52.159"}, IPv6: []string{"2a01:8740:1:ff::/64"},
		Plan: "cloud-vps-2gb", Image: "Ubuntu 22.04", CPUs: 2, MemoryMB: 2048, DiskGB: 50,
		Created: time.Date(2024, 7, 29, 14, 21, 54, 0, time.UTC),
	}
	got := *s
	got.Usage = nil
	if !equalServer(got, want) {
		t.Errorf("GetServer:\n got %+v\nwant %+v", got, want)
	}
	for _, m := range []driver.Metric{
		{Name: "cpu", Value: 4.2, Unit: "%"},
		{Name: "disk_used", Value: 11.7, Unit: "GB"},
		{Name: "disk_limit", Value: 50, Unit: "GB"},
		{Name: "bandwidth_used", Value: 182.4, Unit: "GB"},
		{Name: "bandwidth_limit", Value: 5000, Unit: "GB"},
		{Name: "net_in", Value: 0.02, Unit: "MB/s"},
		{Name: "net_out", Value: 0.11, Unit: "MB/s"},
		{Name: "traffic_in_month", Value: 4.0, Unit: "GB"},
		{Name: "traffic_out_month", Value: 12.0, Unit: "GB"},
	} {
		g, ok := metric(s, m.Name)
		if !ok || g.Unit != m.Unit || g.Value < m.Value-1e-9 || g.Value > m.Value+1e-9 {
			t.Errorf("metric %s = %+v (present %v), want %+v", m.Name, g, ok, m)
		}
	}
}

func equalServer(a, b driver.Server) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Status == b.Status && a.State == b.State &&
		slices.Equal(a.IPv4, b.IPv4) && slices.Equal(a.IPv6, b.IPv6) && a.Plan == b.Plan && a.Image == b.Image &&
		a.CPUs == b.CPUs && a.MemoryMB == b.MemoryMB && a.DiskGB == b.DiskGB && a.Created.Equal(b.Created) &&
		a.Locked == b.Locked && a.Region == b.Region
}

// TestUsageExtrasDegrade: a failing metrics or bandwidth endpoint costs
// those figures, not the server; a failing /status fails the call.
func TestUsageExtrasDegrade(t *testing.T) {
	d, srv := newDriverWith(t, atSept30)
	srv.Inject(vpsbgtest.Fault{Path: detailsPath + "/metrics", Status: 500, Times: 1})
	srv.Inject(vpsbgtest.Fault{Path: detailsPath + "/bandwidth", Status: 200, Body: "garbage", Times: 1})
	s, err := d.GetServer(t.Context(), vpsbgtest.RunningID)
	if err != nil {
		t.Fatalf("GetServer with failing extras: %v", err)
	}
	for _, name := range []string{"net_in", "traffic_in_month"} {
		if _, ok := metric(s, name); ok {
			t.Errorf("metric %s present although its endpoint failed", name)
		}
	}
	if _, ok := metric(s, "cpu"); !ok {
		t.Error("cpu from /status missing")
	}
	srv.Inject(vpsbgtest.Fault{Path: detailsPath + "/status", Status: 502, Times: 1})
	if _, err := d.GetServer(t.Context(), vpsbgtest.RunningID); fault.ClassOf(err) != fault.Unavailable {
		t.Fatalf("GetServer with /status failing: %v, want unavailable", err)
	}
}

func TestStatusMapping(t *testing.T) {
	d, srv := newDriver(t)
	list, err := d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]driver.Status{}
	for _, s := range list {
		got[s.ID] = s.Status
	}
	want := map[string]driver.Status{"2864": driver.StatusRunning, "27029": driver.StatusStopped, "31337": driver.StatusSuspended}
	if len(got) != len(want) {
		t.Errorf("listed %v, want %v (terminated servers hidden)", got, want)
	}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("server %s: %q, want %q", id, got[id], st)
		}
	}
	// Only the active servers needed a /status call.
	if n := srv.Count(http.MethodGet, "/servers/31337/status"); n != 0 {
		t.Errorf("suspended server's status fetched %d times", n)
	}
	if _, err := d.GetServer(t.Context(), "40001"); fault.ClassOf(err) != fault.NotFound {
		t.Errorf("GetServer(terminated): %v, want not_found", err)
	}
}

// TestPagination makes the emulator serve one server per page: the
// driver must read every page, asking for each with its filter intact.
func TestPagination(t *testing.T) {
	d, srv := newDriver(t, vpsbgtest.WithMaxPerPage(1))
	list, err := d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("listed %d servers over pages of 1, want 3", len(list))
	}
	if n := srv.Count(http.MethodGet, "/servers"); n != 3 {
		t.Errorf("%d list requests, want 3 (one per page)", n)
	}
	snaps, err := d.Snapshots(t.Context(), vpsbgtest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 || snaps[1].ID != vpsbgtest.SnapshotID || snaps[1].Name != "before-upgrade" ||
		snaps[1].SizeGB != 7.4 || snaps[1].Created.IsZero() {
		t.Errorf("snapshots over pages of 1: %+v", snaps)
	}
	imgs, err := d.Images(t.Context(), vpsbgtest.RunningID)
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 3 || imgs[0] != (driver.Image{ID: "73", Name: "Ubuntu 22.04", Kind: "os"}) {
		t.Errorf("images over pages of 1: %+v", imgs)
	}
}

// TestPaginationRunaway: an API that always claims another page is cut
// off instead of looping forever.
func TestPaginationRunaway(t *testing.T) {
	d, srv := newDriver(t)
	srv.Inject(vpsbgtest.Fault{Path: "/server-images", Status: 200,
		Body: `{"data":[{"id":1,"name":"x"}],"links":{"next":"?page=2"},"meta":{"current_page":1,"last_page":999999}}`})
	_, err := d.Images(t.Context(), vpsbgtest.RunningID)
	if fault.ClassOf(err) != fault.Unavailable {
		t.Fatalf("Images from a runaway paginator: %v, want unavailable", err)
	}
}

func TestSnapshotsOtherServer(t *testing.T) {
	d, _ := newDriver(t)
	snaps, err := d.Snapshots(t.Context(), vpsbgtest.StoppedID)
	if err != nil || len(snaps) != 0 {
		t.Fatalf("Snapshots(%s) = %+v, %v; want none", vpsbgtest.StoppedID, snaps, err)
	}
}
