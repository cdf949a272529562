package cyberpanel_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

func TestListPaginatesPast100(t *testing.T) {
	srv := newEmu(t, cyberpaneltest.WithExtraServers(250))
	d := newDriver(t, srv)
	list, err := d.ListServers(t.Context())
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	if len(list) != 254 {
		t.Fatalf("listed %d servers, want 254", len(list))
	}
	if n := srv.Requests("GET", "/vps"); n != 3 {
		t.Errorf("%d list requests, want 3 pages of 100", n)
	}
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s.ID] {
			t.Errorf("server %s listed twice", s.ID)
		}
		seen[s.ID] = true
	}
	if !seen["1249"] || !seen["45"] {
		t.Error("first or last server missing")
	}
}

func TestListStopsOnAnEndlessPagination(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	srv.Inject(cyberpaneltest.Fault{Method: "GET", Path: "/vps", Status: 200,
		Body: `{"success":true,"data":{"instances":[],"pagination":{"total":5,"limit":100,"offset":0,"has_more":true}}}`})
	_, err := d.ListServers(t.Context())
	if fault.ClassOf(err) != fault.Unavailable {
		t.Fatalf("ListServers: %v, want unavailable", err)
	}
}

func TestGetServerFields(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	s, err := d.GetServer(t.Context(), "45")
	if err != nil {
		t.Fatal(err)
	}
	want := driver.Server{ID: "45", Name: "my-server.example.com", Status: driver.StatusRunning, State: "running",
		IPv4: []string{"74.81.40.145"}, Region: "Los Angeles", Plan: "VPS-1", CPUs: 1, MemoryMB: 1024, DiskGB: 25,
		Created: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}
	usage := s.Usage
	s.Usage = nil
	if !equalServer(*s, want) {
		t.Errorf("GetServer(45)\n got %+v\nwant %+v", *s, want)
	}
	i := slices.IndexFunc(usage, func(m driver.Metric) bool { return m.Name == "cpu" })
	if i < 0 || usage[i].Value != 2.5 || usage[i].Unit != "%" {
		t.Errorf("usage %+v lacks cpu 2.5%%", usage)
	}

	for id, want := range map[string]driver.Status{"46": driver.StatusStopped, "47": driver.StatusSuspended, "48": driver.StatusStarting} {
		s, err := d.GetServer(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status != want || len(s.Usage) != 0 || s.Locked != (id == "48") {
			t.Errorf("server %s: status %q locked %v usage %d, want %q", id, s.Status, s.Locked, len(s.Usage), want)
		}
	}
}

func equalServer(a, b driver.Server) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Status == b.Status && a.State == b.State && a.Locked == b.Locked &&
		slices.Equal(a.IPv4, b.IPv4) && slices.Equal(a.IPv6, b.IPv6) && a.Region == b.Region && a.Plan == b.Plan &&
		a.CPUs == b.CPUs && a.MemoryMB == b.MemoryMB && a.DiskGB == b.DiskGB && a.Created.Equal(b.Created)
}

// TestPowerProgress: the operation polls the live status, reporting the
// old state until the emulator's transition ends.
func TestPowerProgress(t *testing.T) {
	srv := newEmu(t, cyberpaneltest.WithPowerPolls(3))
	d := newDriver(t, srv)
	op, err := d.Power(t.Context(), "45", driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	if op.Description != "stop my-server.example.com" {
		t.Errorf("description %q", op.Description)
	}
	var got []driver.Progress
	if err := op.Wait(t.Context(), func(p driver.Progress) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Status != "running" || got[0].Percent != -1 || got[1].Status != "stopped" || got[1].Percent != 100 {
		t.Errorf("progress %+v, want running (-1) then stopped (100)", got)
	}
	if n := srv.Requests("GET", "/vps/45/status"); n != 4 {
		t.Errorf("%d status polls, want 4", n)
	}
}

func TestWaitDeployment(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	op, err := d.WaitDeployment(t.Context(), "48")
	if err != nil {
		t.Fatal(err)
	}
	var got []driver.Progress
	if err := op.Wait(t.Context(), func(p driver.Progress) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || got[0].Percent != 10 || got[len(got)-1].Percent != 100 {
		t.Fatalf("progress %+v, want 10 steps from 10%% to 100%%", got)
	}
	if !strings.Contains(got[0].Message, "allocate_ip (1/10 tasks)") {
		t.Errorf("first message %q lacks the current task", got[0].Message)
	}
	if s, _ := d.GetServer(t.Context(), "48"); s == nil || s.Status != driver.StatusRunning || s.Locked {
		t.Errorf("after deployment: %+v", s)
	}

	srv.Inject(cyberpaneltest.Fault{Method: "GET", Path: "/vps/45/deployment", Status: 200, Body: `{"success":true,"data":
		{"deployment_status":"failed","vps_status":"error","current_task":"create_vm","progress_percent":20,
		 "tasks_completed":2,"tasks_total":10,"is_ready":false}}`})
	op, err = d.WaitDeployment(t.Context(), "45")
	if err != nil {
		t.Fatal(err)
	}
	err = op.Wait(t.Context(), func(driver.Progress) {})
	if e := asDriverError(t, err); e.Class != fault.Unavailable || !strings.Contains(e.Message, "failed at create_vm") {
		t.Errorf("failed deployment: %v", err)
	}
	// A failed deployment is the API's answer, not a failed poll: it ends
	// the wait at once instead of being polled again.
	if n := srv.Requests("GET", "/vps/45/deployment"); n != 1 {
		t.Errorf("%d deployment reads, want 1", n)
	}
}

func TestConsole(t *testing.T) {
	srv := newEmu(t)
	now := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	d := newDriver(t, srv, func(c *cyberpanel.Config) { c.Clock = func() time.Time { return now } })
	c, err := d.Console(t.Context(), "45")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "novnc" || c.Host != "lax-power.cyberpersons.com" || c.Port != 8006 ||
		!strings.Contains(c.URL, "vmid=281") || !c.ExpiresAt.Equal(now.Add(5*time.Minute)) {
		t.Errorf("console %+v", c)
	}
	srv.Inject(cyberpaneltest.Fault{Method: "GET", Path: "/vps/45/console", Status: 200,
		Body: `{"success":true,"data":{"console_url":"javascript:alert(1)","type":"novnc"}}`})
	if _, err := d.Console(t.Context(), "45"); fault.ClassOf(err) != fault.Unavailable {
		t.Errorf("console with a bad URL: %v", err)
	}
}

func TestSnapshots(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, func(c *cyberpanel.Config) {
		c.Clock = func() time.Time { return time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC) }
	})
	for _, bad := range []string{"1st", "has space", "semi;colon", strings.Repeat("a", 41)} {
		if _, err := d.CreateSnapshot(t.Context(), "45", bad); fault.ClassOf(err) != fault.Invalid {
			t.Errorf("CreateSnapshot(%q): %v, want invalid", bad, err)
		}
	}
	if n := len(srv.Log()); n != 0 {
		t.Errorf("invalid names made %d requests", n)
	}
	op, err := d.CreateSnapshot(t.Context(), "45", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(t.Context(), func(driver.Progress) {}); err != nil {
		t.Fatal(err)
	}
	snaps, err := d.Snapshots(t.Context(), "45")
	if err != nil || len(snaps) != 1 || snaps[0].ID != "snap_20260105_120000" || snaps[0].Created.IsZero() {
		t.Errorf("snapshots %+v, %v", snaps, err)
	}
	if _, err := d.CreateSnapshot(t.Context(), "47", "x"); fault.ClassOf(err) != fault.Conflict {
		t.Errorf("snapshot of a suspended server: %v, want conflict", err)
	}
}

// TestEmulatorRefusesBadEncoding: the emulator rejects what the API
// would, so the driver's correct requests prove something.
func TestEmulatorRefusesBadEncoding(t *testing.T) {
	srv := newEmu(t)
	post := func(contentType, body string) int {
		req, _ := http.NewRequest("POST", srv.BaseURL+"/vps/45/snapshots/create", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+cyberpaneltest.APIKey)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	cases := []struct {
		name, ct, body string
		want           int
	}{
		{"form encoded", "application/x-www-form-urlencoded", "name=pre_upgrade", 400},
		{"no content type", "", `{"name":"pre_upgrade"}`, 400},
		{"no name", "application/json", `{"description":"x"}`, 400},
		{"bad JSON", "application/json", `{"name":`, 400},
		{"bad name", "application/json", `{"name":"9 lives"}`, 400},
		{"good", "application/json", `{"name":"pre_upgrade","include_ram":false}`, 200},
		{"duplicate", "application/json", `{"name":"pre_upgrade"}`, 400},
	}
	for _, tc := range cases {
		if got := post(tc.ct, tc.body); got != tc.want {
			t.Errorf("%s: HTTP %d, want %d", tc.name, got, tc.want)
		}
	}
	req, _ := http.NewRequest("GET", srv.BaseURL+"/vps", nil)
	req.Header.Set("Authorization", cyberpaneltest.APIKey) // no "Bearer "
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("key without Bearer: HTTP %d, want 401", resp.StatusCode)
	}
}
