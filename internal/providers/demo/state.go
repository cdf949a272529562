package demo

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Fleet is one demo provider instance's persisted state.
type Fleet struct {
	// Seeded is set once the instance's starting servers were created, so
	// a fleet whose servers were all destroyed stays empty.
	Seeded  bool                    `json:"seeded"`
	Servers map[string]*ServerState `json:"servers"`
}

// ServerState is one simulated server as stored. Status is the settled
// power state; a Pending transition, if any, overrides it until its end
// time, and is applied by the next write (see settle).
type ServerState struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Status    driver.Status     `json:"status"`
	Locked    bool              `json:"locked,omitempty"` // held by "the provider"; actions answer busy
	Plan      string            `json:"plan"`
	CPUs      int               `json:"cpus"`
	MemoryMB  int               `json:"memory_mb"`
	DiskGB    int               `json:"disk_gb"`
	Image     string            `json:"image"`
	IPv4      []string          `json:"ipv4"`
	IPv6      []string          `json:"ipv6"`
	Created   time.Time         `json:"created"`
	ISO       string            `json:"iso,omitempty"`  // id of the mounted ISO
	PTRs      map[string]string `json:"ptrs,omitempty"` // canonical IP → hostname set by a user
	Snapshots []driver.Snapshot `json:"snapshots,omitempty"`
	Pending   *Transition       `json:"pending,omitempty"`
	// LoginWaiting says the provider still keeps the server's initial
	// login. Only the flag is stored: the password is made up when read,
	// so no secret ever reaches the database.
	LoginWaiting bool `json:"login_waiting,omitempty"`
}

// Transition is an accepted action that finishes at Ends. Reads compute
// the state from the clock, so no goroutine has to finish it and another
// process sharing the store sees the same thing.
type Transition struct {
	ID       string        `json:"id"`   // tells this operation from a later one
	Kind     string        `json:"kind"` // a power action, or kindReinstall, kindDestroy, kindSnapshot
	Via      driver.Status `json:"via"`  // status while it runs
	Target   driver.Status `json:"target,omitempty"`
	Started  time.Time     `json:"started"`
	Ends     time.Time     `json:"ends"`
	Image    string        `json:"image,omitempty"`    // reinstall: the new image
	Hostname string        `json:"hostname,omitempty"` // reinstall: the new name, if any
	Snapshot string        `json:"snapshot,omitempty"` // snapshot: the id being created
}

const (
	kindReinstall = "reinstall"
	kindDestroy   = "destroy"
	kindSnapshot  = "snapshot"
)

// settle applies every transition that has ended by now.
func (f *Fleet) settle(now time.Time) {
	for id, s := range f.Servers {
		t := s.Pending
		if t == nil || now.Before(t.Ends) {
			continue
		}
		s.Pending = nil
		switch t.Kind {
		case kindDestroy:
			delete(f.Servers, id)
			continue
		case kindReinstall:
			s.Image = t.Image
			s.ISO = ""
			if t.Hostname != "" {
				s.Name = t.Hostname
			}
		case kindSnapshot:
			for i := range s.Snapshots {
				if s.Snapshots[i].ID == t.Snapshot {
					s.Snapshots[i].Status = "available"
					s.Snapshots[i].SizeGB = float64(s.DiskGB) * 0.35
				}
			}
		}
		if t.Target != "" {
			s.Status = t.Target
		}
	}
}

// status is what the server reports now: the transition's status while
// one runs.
func (s *ServerState) status() driver.Status {
	if s.Pending != nil {
		return s.Pending.Via
	}
	return s.Status
}

// busy reports whether actions must be refused with "busy".
func (s *ServerState) busy() bool { return s.Locked || s.Pending != nil }

// percent is how far t is at now, 0-99 while it runs.
func (t *Transition) percent(now time.Time) int {
	total := t.Ends.Sub(t.Started)
	if total <= 0 {
		return 99
	}
	p := int(100 * now.Sub(t.Started) / total)
	return min(max(p, 0), 99)
}

func decodeFleet(b []byte) (*Fleet, error) {
	f := &Fleet{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, f); err != nil {
			return nil, fmt.Errorf("decode demo fleet: %w", err)
		}
	}
	if f.Servers == nil {
		f.Servers = map[string]*ServerState{}
	}
	return f, nil
}

func encodeFleet(f *Fleet) ([]byte, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode demo fleet: %w", err)
	}
	return b, nil
}
