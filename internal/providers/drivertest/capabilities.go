package drivertest

import (
	"slices"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

func testImages(t *testing.T, s *suite) {
	r := s.d.(driver.ImageLister)
	imgs, err := r.Images(s.ctx, s.f.RunningID)
	if err != nil {
		t.Fatalf("Images: %v", err)
	}
	if len(imgs) == 0 {
		t.Fatal("Images: none")
	}
	seen := map[string]bool{}
	for _, im := range imgs {
		if im.ID == "" || im.Name == "" {
			t.Errorf("image %+v lacks an id or name", im)
		}
		if seen[im.ID] {
			t.Errorf("image %s listed twice", im.ID)
		}
		seen[im.ID] = true
	}
	if !seen[s.f.ImageID] {
		t.Errorf("fixture image %s not listed", s.f.ImageID)
	}
	_, err = r.Images(s.ctx, s.f.MissingID)
	requireClass(t, "Images(missing)", err, fault.NotFound)
}

func testReinstallBadImage(t *testing.T, s *suite) {
	op, err := s.d.(driver.Reinstaller).Reinstall(s.ctx, s.f.RunningID,
		driver.ReinstallOptions{Image: "drivertest-no-such-image", Password: "Drivertest-Secret-42"})
	requireClass(t, "Reinstall(bad image)", err, fault.Invalid)
	if op != nil {
		t.Error("Reinstall(bad image) returned an operation with its error")
	}
	if strings.Contains(err.Error(), "Drivertest-Secret-42") {
		t.Errorf("error %q contains the password", err)
	}
}

// testReinstall reinstalls and checks the progress: at least one report
// from an asynchronous operation, percentages in range and never going
// backwards.
func testReinstall(t *testing.T, s *suite) {
	id := s.f.ReinstallID
	if id == "" {
		id = s.f.RunningID
	}
	op, err := s.d.(driver.Reinstaller).Reinstall(s.ctx, id,
		driver.ReinstallOptions{Image: s.f.ImageID, Password: "Drivertest-Secret-42"})
	if err != nil {
		t.Fatalf("Reinstall: %v", err)
	}
	progress := s.wait(t, op)
	if op.Wait != nil && len(progress) == 0 {
		t.Error("reinstall reported no progress")
	}
	last := -1
	for _, p := range progress {
		if p.Percent < -1 || p.Percent > 100 {
			t.Errorf("progress %d%% out of range", p.Percent)
		}
		if p.Percent >= 0 && p.Percent < last {
			t.Errorf("progress went back from %d%% to %d%%", last, p.Percent)
		}
		last = max(last, p.Percent)
		if strings.Contains(p.Message, "Drivertest-Secret-42") {
			t.Errorf("progress message %q contains the password", p.Message)
		}
	}
	if st := s.get(t, id).Status; st == driver.StatusReinstalling {
		t.Errorf("after the reinstall finished the server is still %q", st)
	}
}

func testISO(t *testing.T, s *suite) {
	m := s.d.(driver.ISOMounter)
	mounted := func() string {
		t.Helper()
		isos, err := m.ISOs(s.ctx, s.f.RunningID)
		if err != nil {
			t.Fatalf("ISOs: %v", err)
		}
		if !slices.ContainsFunc(isos, func(i driver.ISO) bool { return i.ID == s.f.ISO }) {
			t.Fatalf("fixture ISO %s not in %v", s.f.ISO, isos)
		}
		var ids []string
		for _, i := range isos {
			if i.Mounted {
				ids = append(ids, i.ID)
			}
		}
		return strings.Join(ids, ",")
	}
	if got := mounted(); got != "" {
		t.Fatalf("fresh fixture has %s mounted", got)
	}
	op, err := m.MountISO(s.ctx, s.f.RunningID, s.f.ISO)
	if err != nil {
		t.Fatalf("MountISO: %v", err)
	}
	s.wait(t, op)
	if got := mounted(); got != s.f.ISO {
		t.Fatalf("after mounting %s, mounted is %q", s.f.ISO, got)
	}
	if op, err = m.UnmountISO(s.ctx, s.f.RunningID); err != nil {
		t.Fatalf("UnmountISO: %v", err)
	}
	s.wait(t, op)
	if got := mounted(); got != "" {
		t.Fatalf("after unmounting, mounted is %q", got)
	}
	_, err = m.ISOs(s.ctx, s.f.MissingID)
	requireClass(t, "ISOs(missing)", err, fault.NotFound)
}

func testPTR(t *testing.T, s *suite) {
	m := s.d.(driver.PTRManager)
	lookup := func() (string, bool) {
		t.Helper()
		ptrs, err := m.PTRs(s.ctx, s.f.RunningID)
		if err != nil {
			t.Fatalf("PTRs: %v", err)
		}
		for _, p := range ptrs {
			if p.IP == s.f.IP {
				return strings.TrimSuffix(p.Hostname, "."), true
			}
		}
		return "", false
	}
	before, ok := lookup()
	if !ok {
		t.Fatalf("PTRs lack fixture address %s", s.f.IP)
	}
	if before == PTRHostname {
		t.Fatalf("fresh fixture already points %s at %s", s.f.IP, PTRHostname)
	}
	if err := m.SetPTR(s.ctx, s.f.RunningID, s.f.IP, PTRHostname); err != nil {
		t.Fatalf("SetPTR: %v", err)
	}
	if got, _ := lookup(); got != PTRHostname {
		t.Fatalf("after SetPTR, %s points at %q", s.f.IP, got)
	}
	if err := m.ResetPTR(s.ctx, s.f.RunningID, s.f.IP); err != nil {
		t.Fatalf("ResetPTR: %v", err)
	}
	if got, _ := lookup(); got == PTRHostname {
		t.Fatalf("after ResetPTR, %s still points at %q", s.f.IP, got)
	}
}

func testPTRInvalid(t *testing.T, s *suite) {
	m := s.d.(driver.PTRManager)
	err := m.SetPTR(s.ctx, s.f.RunningID, foreignIP, PTRHostname)
	requireClass(t, "SetPTR(foreign IP)", err, fault.Invalid, fault.NotFound, fault.PermissionDenied)
	err = m.SetPTR(s.ctx, s.f.RunningID, s.f.IP, "not a hostname!")
	requireClass(t, "SetPTR(bad hostname)", err, fault.Invalid)
	_, err = m.PTRs(s.ctx, s.f.MissingID)
	requireClass(t, "PTRs(missing)", err, fault.NotFound)
}

// testSnapshotList checks listing alone, for drivers that cannot create.
func testSnapshotList(t *testing.T, s *suite) {
	m := s.d.(driver.SnapshotLister)
	snaps, err := m.Snapshots(s.ctx, s.f.RunningID)
	if err != nil {
		t.Fatalf("Snapshots: %v", err)
	}
	for _, x := range snaps {
		if x.ID == "" {
			t.Errorf("snapshot without an id: %+v", x)
		}
	}
	_, err = m.Snapshots(s.ctx, s.f.MissingID)
	requireClass(t, "Snapshots(missing)", err, fault.NotFound)
}

func testSnapshot(t *testing.T, s *suite) {
	m := s.d.(driver.Snapshotter)
	const name = "drivertest-snap"
	op, err := m.CreateSnapshot(s.ctx, s.f.RunningID, name)
	if err != nil {
		t.Fatalf("CreateSnapshot: %v", err)
	}
	s.wait(t, op)
	snaps, err := m.Snapshots(s.ctx, s.f.RunningID)
	if err != nil {
		t.Fatalf("Snapshots: %v", err)
	}
	if !slices.ContainsFunc(snaps, func(x driver.Snapshot) bool { return x.Name == name && x.ID != "" }) {
		t.Fatalf("snapshot %s not listed with an id: %+v", name, snaps)
	}
	_, err = m.Snapshots(s.ctx, s.f.MissingID)
	requireClass(t, "Snapshots(missing)", err, fault.NotFound)
}

func testConsole(t *testing.T, s *suite) {
	m := s.d.(driver.Consoler)
	c, err := m.Console(s.ctx, s.f.RunningID)
	if err != nil {
		t.Fatalf("Console: %v", err)
	}
	if c == nil || c.Kind == "" || c.Host == "" && c.URL == "" {
		t.Fatalf("Console returned nothing usable: %+v", c)
	}
	_, err = m.Console(s.ctx, s.f.MissingID)
	requireClass(t, "Console(missing)", err, fault.NotFound)
}

func testDestroy(t *testing.T, s *suite) {
	op, err := s.d.(driver.Destroyer).Destroy(s.ctx, s.f.StoppedID)
	if err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	s.wait(t, op)
	if s.f.DestroyCancels {
		// A billing cancellation: the server may live on until the paid
		// period ends, but the user must be told that is what happened.
		if !strings.Contains(strings.ToLower(op.Description), "cancel") {
			t.Errorf("cancellation described as %q: it must say it is a cancellation", op.Description)
		}
		_, err = s.d.(driver.Destroyer).Destroy(s.ctx, s.f.MissingID)
		requireClass(t, "Destroy(missing)", err, fault.NotFound)
		return
	}
	_, err = s.d.GetServer(s.ctx, s.f.StoppedID)
	requireClass(t, "GetServer after Destroy", err, fault.NotFound)
	list, err := s.d.ListServers(s.ctx)
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	for _, srv := range list {
		if srv.ID == s.f.StoppedID {
			t.Fatalf("destroyed server %s is still listed", srv.ID)
		}
	}
	_, err = s.d.(driver.Destroyer).Destroy(s.ctx, s.f.MissingID)
	requireClass(t, "Destroy(missing)", err, fault.NotFound)
}

// testInitialLogin: a login is usable when the provider still keeps one;
// otherwise the answer is a Conflict (already read / expired), never an
// empty login. An unknown server is NotFound.
func testInitialLogin(t *testing.T, s *suite) {
	m := s.d.(driver.InitialLoginer)
	for _, id := range []string{s.f.RunningID, s.f.StoppedID} {
		l, err := m.InitialLogin(s.ctx, id)
		switch {
		case err != nil:
			requireClass(t, "InitialLogin", err, fault.Conflict)
		case l == nil || l.Username == "" || l.Password == "":
			t.Fatalf("InitialLogin(%s) returned an unusable login: %+v", id, l)
		}
	}
	_, err := m.InitialLogin(s.ctx, s.f.MissingID)
	requireClass(t, "InitialLogin(missing)", err, fault.NotFound)
}
