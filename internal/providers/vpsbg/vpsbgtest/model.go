package vpsbgtest

import (
	"maps"
	"slices"
)

// The emulator's records. JSON shapes follow the wire reference; the
// unexported fields are the state the API exposes through /status.

type plan struct {
	ID                  int     `json:"id"`
	Type                string  `json:"type"`
	Key                 string  `json:"key"`
	Name                string  `json:"name"`
	VCPUs               int     `json:"vcpus"`
	Memory              int     `json:"memory"`    // GB
	Disk                int     `json:"disk"`      // GB
	Bandwidth           int     `json:"bandwidth"` // TB
	MinimumBillingCycle int     `json:"minimum_billing_cycle"`
	Available           bool    `json:"available"`
	Price               float64 `json:"price"`
	PriceWithVAT        float64 `json:"price_with_vat"`
}

type imageGroup struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Key  string `json:"key"`
}

type image struct {
	ID    int        `json:"id"`
	Name  string     `json:"name"`
	Group imageGroup `json:"group"`
}

type addon struct {
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
}

type ipAddress struct {
	ID            int
	Address       string
	Gateway, Mask string
	Prefix        int // IPv6 subnets only
	Version       int
	Main          bool
	PTR4          *string           // IPv4: one record or none
	PTR6          map[string]string // IPv6 subnet: address → hostname
}

type ipJSON struct {
	ID            int    `json:"id"`
	IPAddress     string `json:"ip_address"`
	Gateway       string `json:"gateway,omitempty"`
	Mask          string `json:"mask,omitempty"`
	Prefix        int    `json:"prefix,omitempty"`
	Version       int    `json:"version"`
	Type          string `json:"type"`
	Main          bool   `json:"main"`
	DDoSProtected bool   `json:"ddos_protected"`
	FloatingIP    any    `json:"floating_ip"`
	PTR           any    `json:"ptr"`
}

func (ip *ipAddress) json() ipJSON {
	j := ipJSON{ID: ip.ID, IPAddress: ip.Address, Gateway: ip.Gateway, Mask: ip.Mask, Prefix: ip.Prefix,
		Version: ip.Version, Type: "public", Main: ip.Main}
	switch {
	case ip.Version == 6 && len(ip.PTR6) > 0:
		j.PTR = maps.Clone(ip.PTR6)
	case ip.Version == 4 && ip.PTR4 != nil:
		j.PTR = *ip.PTR4
	}
	return j
}

// transition is a power action or reinstall the API accepted and has not
// finished: left more reads of the server until it takes effect.
type transition struct {
	kind    string
	running bool // power state once done
	imageID int  // reinstall only
	left    int
}

type server struct {
	ID             int
	Hostname       string
	BillingCycle   int
	Plan           plan
	Status         string // billing: active, processing, suspended, terminated
	CreatedAt      string
	ExpiryAt       string
	AutoRenew      bool
	ImageID        int
	IPs            []*ipAddress
	Addons         []addon
	running        bool
	rescue         bool
	cpu, diskUsed  float64
	bandwidthUsed  float64
	bandwidthLimit float64
	pending        *transition
	canceled       bool
}

type stateJSON struct {
	Running       bool `json:"running"`
	NodeReachable bool `json:"node_reachable"`
	CPU           struct {
		Used float64 `json:"used"`
	} `json:"cpu"`
}

type serverJSON struct {
	ID             int        `json:"id"`
	Hostname       string     `json:"hostname"`
	BillingCycle   int        `json:"billing_cycle"`
	Plan           plan       `json:"plan"`
	Status         string     `json:"status"`
	Virtualization string     `json:"virtualization"`
	PromoCode      *string    `json:"promo_code"`
	Locked         bool       `json:"locked"`
	LockedAt       *string    `json:"locked_at"`
	CreatedAt      string     `json:"created_at"`
	ExpiryAt       string     `json:"expiry_at"`
	AutoRenew      bool       `json:"auto_renew"`
	ServerImage    *image     `json:"server_image"`
	IPAddresses    []ipJSON   `json:"ip_addresses"`
	Addons         []addon    `json:"addons"`
	State          *stateJSON `json:"state,omitempty"`
}

// json renders sv; detail adds the live state object GET /servers/{id}
// returns (seen in real client code, not on the list).
func (s *Server) json(sv *server, detail bool) serverJSON {
	j := serverJSON{ID: sv.ID, Hostname: sv.Hostname, BillingCycle: sv.BillingCycle, Plan: sv.Plan,
		Status: sv.Status, Virtualization: "kvm", Locked: sv.pending != nil, CreatedAt: sv.CreatedAt,
		ExpiryAt: sv.ExpiryAt, AutoRenew: sv.AutoRenew, Addons: slices.Clone(sv.Addons)}
	if sv.pending != nil {
		at := "2024-09-30T12:00:00.000000Z"
		j.LockedAt = &at
	}
	if im := s.image(sv.ImageID); im != nil {
		c := *im
		j.ServerImage = &c
	}
	for _, ip := range sv.IPs {
		j.IPAddresses = append(j.IPAddresses, ip.json())
	}
	if detail {
		st := &stateJSON{Running: sv.running, NodeReachable: true}
		st.CPU.Used = sv.cpuNow()
		j.State = st
	}
	return j
}

func (sv *server) cpuNow() float64 {
	if !sv.running {
		return 0
	}
	return sv.cpu
}

func (s *Server) image(id int) *image {
	for i := range s.images {
		if s.images[i].ID == id {
			return &s.images[i]
		}
	}
	return nil
}

type snapshot struct {
	ID        int     `json:"id"`
	ServerID  int     `json:"server_id"`
	Name      string  `json:"name"`
	CreatedAt string  `json:"created_at"`
	Size      float64 `json:"size"`
}
