package cyberpaneltest

import (
	"fmt"
	"time"
)

// Ids of the seeded fleet. RunningID is the reference's own example.
const (
	RunningID   = 45  // "my-server.example.com", running, 74.81.40.145
	StoppedID   = 46  // "web-2.example.com", stopped
	SuspendedID = 47  // "old-box.example.com", suspended (billing)
	DeployingID = 48  // "new-server.example.com", deploying
	MissingID   = 999 // no VPS has it
	RunningIP   = "74.81.40.145"
)

// vps is one emulated server.
type vps struct {
	ID, VMID   int
	Name       string
	Status     string // running | stopped | suspended | deploying
	IP         string
	Suspended  bool
	Created    time.Time
	Updated    time.Time
	Plan       plan
	Location   location
	Node       string
	deleted    bool
	pending    *transition
	snapshots  []snapshot
	deployDone int // deployment tasks completed
	cpuPercent float64
}

// transition is a power action in progress: reads still show the old
// status until polls reach zero.
type transition struct {
	target string
	polls  int
}

type plan struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	CPUCores    int    `json:"cpu_cores"`
	RAMMB       int    `json:"ram_mb"`
	DiskGB      int    `json:"disk_gb"`
	BandwidthGB int    `json:"bandwidth_gb"`
	Price       string `json:"price"` // decimal string, as documented
}

type location struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type snapshot struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
	VMState     bool   `json:"vmstate"`
}

// Catalogue of the emulated platform. Plan figures beyond the reference's
// examples (1 core, 1 GiB, price "6.00") are invented but plausible.
var (
	plans = []plan{
		{1, "VPS-1", 1, 1024, 25, 1000, "6.00"},
		{2, "VPS-2", 2, 2048, 50, 2000, "12.00"},
		{3, "VPS-4", 4, 4096, 80, 4000, "24.00"},
	}
	locations = []struct {
		Code, Name, Country string
		IPs                 int
	}{
		{"la", "Los Angeles", "US", 120},
		{"de", "Frankfurt", "DE", 80},
		{"eu", "Amsterdam", "NL", 0},
	}
	// templates are the documented ids (strings) and names.
	templates = []struct{ ID, Name, OS string }{
		{"101", "CyberPanel", "AlmaLinux 8 with CyberPanel"},
		{"9000", "Ubuntu 22.04", "Ubuntu 22.04 LTS"},
		{"9022", "Ubuntu 24.04", "Ubuntu 24.04 LTS"},
		{"9010", "Debian 12", "Debian 12 Bookworm"},
		{"9001", "AlmaLinux 8", "AlmaLinux 8"},
		{"9008", "AlmaLinux 9", "AlmaLinux 9"},
		{"9125", "Windows Server 2022", "Windows Server 2022 (requires a $20 minimum balance)"},
	}
	deployTasks = []string{"validate_resources", "allocate_ip", "create_vm", "configure_hardware", "apply_cloud_init",
		"start_vm", "configure_network", "wait_for_guest_agent", "verify_connectivity", "finalize"}
)

func loc(code string) location {
	for _, l := range locations {
		if l.Code == code {
			return location{l.Code, l.Name}
		}
	}
	return location{code, code}
}

// seed creates the documented example fleet; caller holds no lock (New).
func (s *Server) seed(t0 time.Time) {
	add := func(v *vps) {
		v.Updated = v.Created.Add(time.Hour)
		if v.Status == "running" {
			v.cpuPercent = 2.5
		}
		s.vps[v.ID] = v
		s.order = append(s.order, v.ID)
	}
	add(&vps{ID: RunningID, VMID: 281, Name: "my-server.example.com", Status: "running", IP: RunningIP,
		Created: t0, Plan: plans[0], Location: loc("la"), Node: "lax-power", deployDone: len(deployTasks)})
	add(&vps{ID: StoppedID, VMID: 282, Name: "web-2.example.com", Status: "stopped", IP: "74.81.40.146",
		Created: t0.Add(24 * time.Hour), Plan: plans[1], Location: loc("la"), Node: "lax-power", deployDone: len(deployTasks)})
	add(&vps{ID: SuspendedID, VMID: 290, Name: "old-box.example.com", Status: "suspended", IP: "185.12.7.20",
		Suspended: true, Created: t0.Add(-90 * 24 * time.Hour), Plan: plans[0], Location: loc("de"), Node: "fra-power",
		deployDone: len(deployTasks)})
	add(&vps{ID: DeployingID, VMID: 295, Name: "new-server.example.com", Status: "deploying", IP: "74.81.40.150",
		Created: t0.Add(48 * time.Hour), Plan: plans[2], Location: loc("la"), Node: "lax-power"})
}

// addGenerated adds n running servers with ids from 1000.
func (s *Server) addGenerated(n int) {
	base := time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := 1000 + i
		v := &vps{ID: id, VMID: 3000 + i, Name: fmt.Sprintf("gen-%04d.example.com", i), Status: "running",
			IP: fmt.Sprintf("10.%d.%d.%d", 1+i/65536, i/256%256, i%256), Created: base.Add(time.Duration(i) * time.Minute),
			Plan: plans[i%len(plans)], Location: loc("de"), Node: "fra-power", deployDone: len(deployTasks), cpuPercent: 1}
		v.Updated = v.Created
		s.vps[id] = v
		s.order = append(s.order, id)
	}
}
