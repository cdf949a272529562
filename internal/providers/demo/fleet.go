package demo

import (
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// template is one seeded server.
type template struct {
	name   string
	status driver.Status
	plan   string
	cpus   int
	memMB  int
	diskGB int
	image  string
	ageDay int
}

// fleetFor picks the seeded servers of an instance. "nyc" gets its own
// fleet so that two instances share "web-1" but differ otherwise, which
// makes hostname ambiguity demonstrable.
func fleetFor(region string) []template {
	if region == "nyc" {
		return []template{
			{"web-1", driver.StatusRunning, "vps-2", 2, 4096, 80, "ubuntu-24.04", 120},
			{"api-1", driver.StatusRunning, "vps-2", 2, 4096, 80, "ubuntu-24.04", 90},
			{"db-1", driver.StatusStopped, "vps-4", 4, 8192, 160, "debian-12", 300},
			{"old-1", driver.StatusStopped, "vps-1", 1, 2048, 40, "debian-11", 900},
		}
	}
	return []template{
		{"web-1", driver.StatusRunning, "vps-2", 2, 4096, 80, "debian-12", 200},
		{"web-2", driver.StatusRunning, "vps-2", 2, 4096, 80, "debian-12", 200},
		{"db-1", driver.StatusRunning, "vps-4", 4, 8192, 160, "debian-12", 400},
		{"build-1", driver.StatusStopped, "vps-8", 8, 16384, 320, "ubuntu-24.04", 30},
	}
}

// idBase numbers an instance's servers: fra-101…, nyc-201…; other regions
// get a stable base from the instance name.
func idBase(name, region string) int {
	switch region {
	case "fra":
		return 100
	case "nyc":
		return 200
	case "ams":
		return 300
	case "sgp":
		return 400
	}
	return 100 * int(1+hash32(name)%9)
}

// ipPrefix gives each instance addresses from a documentation range
// (RFC 5737, RFC 3849), so nothing the demo shows is routable.
func ipPrefix(region string) string {
	switch region {
	case "fra":
		return "192.0.2"
	case "nyc":
		return "198.51.100"
	}
	return "203.0.113"
}

// seed fills f with the instance's starting servers.
func seed(f *Fleet, name, region string, now time.Time) {
	base := idBase(name, region)
	for i, t := range fleetFor(region) {
		n := base + i + 1
		id := fmt.Sprintf("%s-%d", region, n)
		f.Servers[id] = &ServerState{
			ID:       id,
			Name:     t.name,
			Status:   t.status,
			Plan:     t.plan,
			CPUs:     t.cpus,
			MemoryMB: t.memMB,
			DiskGB:   t.diskGB,
			Image:    t.image,
			IPv4:     []string{fmt.Sprintf("%s.%d", ipPrefix(region), 10+n%100)},
			IPv6:     []string{fmt.Sprintf("2001:db8:%d::%d", base, i+1)},
			Created:  now.Add(-time.Duration(t.ageDay) * 24 * time.Hour).UTC().Truncate(time.Second),
			// The newest server was "just created": its initial login
			// is still waiting to be read once (see InitialLogin).
			LoginWaiting: t.ageDay <= 30,
		}
	}
	f.Seeded = true
}
