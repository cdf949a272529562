package drivertest

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// knownStatuses are the portable statuses a driver may report.
var knownStatuses = []driver.Status{
	driver.StatusRunning, driver.StatusStopped, driver.StatusStarting, driver.StatusStopping,
	driver.StatusRebooting, driver.StatusReinstalling, driver.StatusDeleting,
	driver.StatusSuspended, driver.StatusUnknown,
}

func testList(t *testing.T, s *suite) {
	list, err := s.d.ListServers(s.ctx)
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	byID := map[string]driver.Server{}
	for _, srv := range list {
		if srv.ID == "" {
			t.Errorf("server %+v has no id", srv)
		}
		if _, dup := byID[srv.ID]; dup {
			t.Errorf("id %s listed twice", srv.ID)
		}
		if !slices.Contains(knownStatuses, srv.Status) {
			t.Errorf("server %s: status %q is not a portable status", srv.ID, srv.Status)
		}
		byID[srv.ID] = srv
	}
	for id, want := range map[string]driver.Status{s.f.RunningID: driver.StatusRunning, s.f.StoppedID: driver.StatusStopped} {
		srv, ok := byID[id]
		if !ok {
			t.Errorf("fixture %s not listed", id)
			continue
		}
		if srv.Status != want {
			t.Errorf("fixture %s: status %q, want %q", id, srv.Status, want)
		}
		if srv.Name == "" {
			t.Errorf("fixture %s has no name", id)
		}
	}
	if _, ok := byID[s.f.MissingID]; ok {
		t.Errorf("missing fixture %s is listed", s.f.MissingID)
	}
	if run, ok := byID[s.f.RunningID]; ok && s.f.IP != "" &&
		!slices.Contains(run.IPv4, s.f.IP) && !slices.Contains(run.IPv6, s.f.IP) {
		t.Errorf("fixture %s: addresses %v %v lack %s", s.f.RunningID, run.IPv4, run.IPv6, s.f.IP)
	}
}

func testGet(t *testing.T, s *suite) {
	srv := s.get(t, s.f.RunningID)
	if srv.ID != s.f.RunningID {
		t.Errorf("GetServer(%s) returned id %s", s.f.RunningID, srv.ID)
	}
	if srv.Status != driver.StatusRunning {
		t.Errorf("GetServer(%s): status %q, want running", s.f.RunningID, srv.Status)
	}
	list, err := s.d.ListServers(s.ctx)
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	for _, l := range list {
		if l.ID == srv.ID && l.Name != srv.Name {
			t.Errorf("list names %s %q, get names it %q", l.ID, l.Name, srv.Name)
		}
	}
}

func testGetMissing(t *testing.T, s *suite) {
	srv, err := s.d.GetServer(s.ctx, s.f.MissingID)
	requireClass(t, "GetServer(missing)", err, fault.NotFound)
	if srv != nil {
		t.Errorf("GetServer(missing) returned a server with its error: %+v", srv)
	}
}

// testCanceled checks that a canceled context ends calls with an error
// rather than an answer; a driver that ignored it would hang or succeed.
func testCanceled(t *testing.T, s *suite) {
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	_, err := s.d.ListServers(ctx)
	if err == nil {
		t.Fatal("ListServers with a canceled context succeeded")
	}
	requireDriverError(t, "ListServers(canceled)", err)
	_, err = s.d.GetServer(ctx, s.f.RunningID)
	if err == nil {
		t.Fatal("GetServer with a canceled context succeeded")
	}
	requireDriverError(t, "GetServer(canceled)", err)
}

func testConcurrentReads(t *testing.T, s *suite) {
	const workers, rounds = 8, 5
	want, err := s.d.ListServers(s.ctx)
	if err != nil {
		t.Fatalf("ListServers: %v", err)
	}
	errs := make(chan error, workers*rounds*2)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range rounds {
				list, err := s.d.ListServers(s.ctx)
				if err != nil {
					errs <- err
				} else if len(list) != len(want) {
					t.Errorf("concurrent ListServers returned %d servers, want %d", len(list), len(want))
				}
				if _, err := s.d.GetServer(s.ctx, s.f.RunningID); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent read: %v", err)
	}
}

func testDescriber(t *testing.T, s *suite) {
	ds, ok := s.d.(driver.Describer)
	if !ok {
		t.Skip("driver does not implement driver.Describer")
	}
	if ds.DisplayName() == "" {
		t.Error("DisplayName is empty")
	}
}
