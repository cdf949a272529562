package vpsbgtest

// Seed fleet. Server 2864 with address 416, image 73, plan cloud-vps-2gb
// and snapshot 981 are the wire reference's examples verbatim; 27029
// ("pir-1") is the hostname and id of its detail example, seeded stopped
// so a fresh fleet has both power states. Ids marked "invented" are not
// from the reference.
const (
	RunningID   = "2864"
	StoppedID   = "27029"
	SuspendedID = "31337" // invented
	MissingID   = "999999"
	RunningIP   = "87.121.52.159"
	RunningIPv6 = "2a01:8740:1:ff::10" // inside the invented subnet 418
	ImageID     = "73"
	SnapshotID  = "981"
)

const rateLimit = 60

func cloudVPS2GB() plan {
	return plan{ID: 104, Type: "cloud-vps", Key: "cloud-vps-2gb", Name: "cloud-vps-2gb", VCPUs: 2, Memory: 2,
		Disk: 50, Bandwidth: 5, MinimumBillingCycle: 1, Available: true, Price: 22.33, PriceWithVAT: 26.8}
}

func (s *Server) seed() {
	s.images = []image{
		{ID: 73, Name: "Ubuntu 22.04", Group: imageGroup{Name: "Ubuntu", Type: "os", Key: "ubuntu"}},
		{ID: 81, Name: "Debian 12", Group: imageGroup{Name: "Debian", Type: "os", Key: "debian"}},         // invented
		{ID: 90, Name: "AlmaLinux 9", Group: imageGroup{Name: "AlmaLinux", Type: "os", Key: "almalinux"}}, // invented
	}
	s.servers = map[int]*server{
		2864: {
			ID: 2864, Hostname: "ubuntu-2gb", BillingCycle: 1, Plan: cloudVPS2GB(), Status: "active",
			CreatedAt: "2024-07-29T14:21:54.000000Z", ExpiryAt: "2024-08-28T21:00:00.000000Z", AutoRenew: true,
			ImageID: 73,
			IPs: []*ipAddress{
				{ID: 416, Address: "87.121.52.159", Gateway: "87.121.52.1", Mask: "255.255.255.0", Version: 4, Main: true},
				{ID: 418, Address: "2a01:8740:1:ff::", Prefix: 64, Version: 6}, // invented
			},
			Addons:  []addon{{Name: "backups", Quantity: 1}},
			running: true, cpu: 4.2, diskUsed: 11.7, bandwidthUsed: 182.4, bandwidthLimit: 5000,
		},
		27029: {
			ID: 27029, Hostname: "pir-1", BillingCycle: 1, Plan: cloudVPS2GB(), Status: "active",
			CreatedAt: "2024-08-02T09:00:00.000000Z", ExpiryAt: "2024-10-01T21:00:00.000000Z", AutoRenew: true,
			ImageID: 73,
			IPs: []*ipAddress{
				{ID: 417, Address: "87.121.52.160", Gateway: "87.121.52.1", Mask: "255.255.255.0", Version: 4, Main: true}, // invented
			},
			diskUsed: 6.1, bandwidthUsed: 12.5, bandwidthLimit: 5000,
		},
		31337: { // invented: a suspended server
			ID: 31337, Hostname: "old-mail", BillingCycle: 1, Plan: cloudVPS2GB(), Status: "suspended",
			CreatedAt: "2023-01-10T09:00:00.000000Z", ExpiryAt: "2024-01-10T21:00:00.000000Z",
			ImageID: 81,
			IPs: []*ipAddress{
				{ID: 420, Address: "87.121.52.170", Gateway: "87.121.52.1", Mask: "255.255.255.0", Version: 4, Main: true},
			},
		},
		40001: { // invented: terminated, hidden by the default status filter
			ID: 40001, Hostname: "gone", BillingCycle: 1, Plan: cloudVPS2GB(), Status: "terminated",
			CreatedAt: "2022-01-10T09:00:00.000000Z", ExpiryAt: "2023-01-10T21:00:00.000000Z", ImageID: 73,
		},
	}
	s.snapshots = []snapshot{
		{ID: 981, ServerID: 2864, Name: "before-upgrade", CreatedAt: "2024-09-01T10:00:00.000000Z", Size: 7.4},
		{ID: 982, ServerID: 2864, Name: "weekly", CreatedAt: "2024-09-08T10:00:00.000000Z", Size: 7.6}, // invented
	}
}

// dailyUsage is the bandwidth example: one day of traffic in GB.
type dailyUsage struct {
	Timestamp int64   `json:"timestamp"`
	Incoming  float64 `json:"incoming"`
	Outgoing  float64 `json:"outgoing"`
}
