package drivertest

import (
	"slices"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// powerCase is what the suite does with one action: the fixture it starts
// from and the status it must end in.
func (s *suite) powerCase(a driver.PowerAction) (id string, want driver.Status, ok bool) {
	switch a {
	case driver.PowerStart:
		return s.f.StoppedID, driver.StatusRunning, true
	case driver.PowerStop, driver.PowerOff:
		return s.f.RunningID, driver.StatusStopped, true
	case driver.PowerReboot, driver.PowerHardReset:
		return s.f.RunningID, driver.StatusRunning, true
	}
	return "", "", false
}

// power runs action a on id to the end and checks the end status.
func (s *suite) power(t *testing.T, id string, a driver.PowerAction, want driver.Status) {
	t.Helper()
	op, err := s.d.(driver.PowerController).Power(s.ctx, id, a)
	if err != nil {
		t.Fatalf("Power(%s, %s): %v", id, a, err)
	}
	s.wait(t, op)
	if got := s.get(t, id).Status; got != want {
		t.Fatalf("after %s, %s is %q, want %q", a, id, got, want)
	}
}

func testPowerActions(t *testing.T, s *suite) {
	acts := s.d.(driver.PowerController).PowerActions()
	if len(acts) == 0 {
		t.Fatal("driver implements power but lists no power actions")
	}
	for _, a := range acts {
		t.Run(string(a), func(t *testing.T) {
			// Each action gets a fresh fleet: an earlier action must not
			// leave the fixture in another state.
			sub := &suite{h: s.h, d: s.h.MakeDriver(s.ctx, t), f: s.f, ctx: s.ctx}
			id, want, ok := sub.powerCase(a)
			if !ok {
				t.Skipf("the suite has no case for power action %q", a)
			}
			sub.power(t, id, a, want)
		})
	}
}

func testPowerCycle(t *testing.T, s *suite) {
	acts := s.d.(driver.PowerController).PowerActions()
	if !slices.Contains(acts, driver.PowerStop) || !slices.Contains(acts, driver.PowerStart) {
		t.Skip("driver lacks stop or start")
	}
	s.power(t, s.f.RunningID, driver.PowerStop, driver.StatusStopped)
	s.power(t, s.f.RunningID, driver.PowerStart, driver.StatusRunning)
}

// testPowerWrongState starts a running server and stops a stopped one:
// each must be a Conflict or a no-op that leaves the status unchanged.
func testPowerWrongState(t *testing.T, s *suite) {
	pc := s.d.(driver.PowerController)
	cases := []struct {
		a    driver.PowerAction
		id   string
		want driver.Status
	}{
		{driver.PowerStart, s.f.RunningID, driver.StatusRunning},
		{driver.PowerStop, s.f.StoppedID, driver.StatusStopped},
	}
	for _, c := range cases {
		if !slices.Contains(pc.PowerActions(), c.a) {
			continue
		}
		op, err := pc.Power(s.ctx, c.id, c.a)
		if err != nil {
			requireClass(t, "Power("+c.id+", "+string(c.a)+") in the wrong state", err, fault.Conflict)
			continue
		}
		t.Logf("%s on a %s server is accepted as a no-op", c.a, c.want)
		s.wait(t, op)
		if got := s.get(t, c.id).Status; got != c.want {
			t.Errorf("%s accepted on a %s server left it %q", c.a, c.want, got)
		}
	}
}

func testPowerMissing(t *testing.T, s *suite) {
	pc := s.d.(driver.PowerController)
	a := pc.PowerActions()[0]
	op, err := pc.Power(s.ctx, s.f.MissingID, a)
	requireClass(t, "Power(missing)", err, fault.NotFound)
	if op != nil {
		t.Error("Power(missing) returned an operation with its error")
	}
}
