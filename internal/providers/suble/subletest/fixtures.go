package subletest

import (
	"fmt"
	"time"
)

// product is one product of the project; VPS fields apply to type "vps".
type product struct {
	UID, Type, Name string
	IPv4, IPv6      string
	Running         bool
	BootedAt        time.Time
	CPUs, MemoryMB  int
	DiskBytes       int64
	MaxDiskBytes    int64
	pending         *transition
	// login is the default login Suble keeps after creation or a rebuild;
	// nil once read and cleared, or expired.
	login *defaultLogin
}

// defaultLogin is GET .../vps/defaultlogin's answer.
type defaultLogin struct {
	Type     string `json:"type"`
	IPv4     string `json:"ipv4"`
	Protocol string `json:"protocol"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// transition is an action under way: kind finishes after left more
// status polls.
type transition struct {
	kind string // start | stop | kill | reboot | rebuild
	left int
}

// seed is the fleet of the reference's examples plus a product of another
// type, which the list returns and the driver must skip.
func seed(now time.Time) []*product {
	return []*product{
		{UID: RunningID, Type: "vps", Name: "Web Server 01", IPv4: RunningIP, IPv6: "2001:67c:bec:b::100/64",
			Running: true, BootedAt: now.Add(-86400 * time.Second), CPUs: 1, MemoryMB: 1024,
			DiskBytes: 5_000_000_000, MaxDiskBytes: 25 << 30},
		{UID: StoppedID, Type: "vps", Name: "Database Server", IPv4: "192.121.119.101", IPv6: "2001:67c:bec:b::101/64",
			CPUs: 2, MemoryMB: 2048, DiskBytes: 12_000_000_000, MaxDiskBytes: 50 << 30,
			// A fresh VM whose login is still kept (the reference's example).
			login: &defaultLogin{Type: "linux", IPv4: "192.121.119.101", Protocol: "ssh", Username: "ubuntu", Password: "GeneratedPassword123!"}},
		{UID: OtherID, Type: "webhosting", Name: "example.dk"},
	}
}

func extraProduct(i int) *product {
	return &product{UID: fmt.Sprintf("vm_extra_%03d", i), Type: "vps", Name: fmt.Sprintf("Extra %03d", i),
		IPv4: fmt.Sprintf("192.121.120.%d", i%250+1), CPUs: 1, MemoryMB: 1024, MaxDiskBytes: 25 << 30}
}

// images is the rebuild catalogue of the reference.
var images = map[string][]string{
	"ubuntu":    {"20.04", "22.04", "24.04"},
	"debian":    {"11", "12"},
	"centos":    {"7", "8"},
	"rocky":     {"8", "9"},
	"almalinux": {"8", "9"},
}
