package suble

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// product is one entry of GET /projects/{p}/products?detailed=true.
type product struct {
	UID     string `json:"uid"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Details struct {
		IPv4   addrList `json:"ipv4"`
		IPv6   addrList `json:"ipv6"`
		Status string   `json:"status"` // online | offline
	} `json:"details"`
}

// addrList accepts the documented single address string and, in case a
// product has several, an array of them.
type addrList []string

func (a *addrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		if one != "" {
			*a = addrList{one}
		}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// vmStatus is GET P/status.
type vmStatus struct {
	Status string          `json:"status"`
	Uptime json.RawMessage `json:"uptime"` // "86400s" (a number is accepted too)
	CPU    float64         `json:"cpu"`    // percent
	CPUs   int             `json:"cpus"`
	Memory struct {
		UsedMB  float64 `json:"usedMB"`
		Total   float64 `json:"total"` // MB
		Percent float64 `json:"percent"`
	} `json:"memory"`
	Disk    float64 `json:"disk"`    // bytes used
	MaxDisk float64 `json:"maxdisk"` // bytes
}

// uptime parses the "86400s" string; 0 when absent or unreadable.
func (s *vmStatus) uptime() time.Duration {
	var str string
	if json.Unmarshal(s.Uptime, &str) == nil {
		if d, err := time.ParseDuration(str); err == nil {
			return d
		}
		return 0
	}
	var secs float64
	if json.Unmarshal(s.Uptime, &secs) == nil {
		return time.Duration(secs * float64(time.Second))
	}
	return 0
}

// metaCache keeps the last product listing so a status check needs only
// the status request.
type metaCache struct {
	mu   sync.Mutex
	at   time.Time
	byID map[string]driver.Server
}

// ListServers implements driver.Driver: the project's VPS products (other
// product types are skipped), with the list's online/offline state.
func (d *Driver) ListServers(ctx context.Context) ([]driver.Server, error) {
	var all []product
	c := call{method: http.MethodGet, path: "/projects/" + d.cfg.Project + "/products?detailed=true", perm: permList, what: "project " + d.cfg.Project}
	if err := d.do(ctx, c, &all); err != nil {
		return nil, err
	}
	out := make([]driver.Server, 0, len(all))
	byID := make(map[string]driver.Server, len(all))
	for _, p := range all {
		if !strings.EqualFold(p.Type, "vps") || p.UID == "" || !d.allowed(p.UID) {
			continue
		}
		s := p.server()
		out = append(out, s)
		byID[s.ID] = s
	}
	d.meta.mu.Lock()
	d.meta.at, d.meta.byID = d.cfg.Clock(), byID
	d.meta.mu.Unlock()
	return out, nil
}

func (p *product) server() driver.Server {
	return driver.Server{
		ID:     p.UID,
		Name:   p.Name,
		Status: listStatus(p.Details.Status),
		State:  p.Details.Status,
		IPv4:   addresses(p.Details.IPv4),
		IPv6:   addresses(p.Details.IPv6),
	}
}

// GetServer implements driver.Driver: name and addresses from the product
// listing (reused for MetadataTTL), live state and usage from P/status.
func (d *Driver) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	srv, err := d.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := d.status(ctx, id)
	if err != nil {
		return nil, err
	}
	srv.Status, srv.State = vmState(st.Status), st.Status
	srv.Locked = rebuildingStates[st.Status]
	srv.CPUs = st.CPUs
	srv.MemoryMB = int(math.Round(st.Memory.Total))
	srv.DiskGB = int(math.Round(st.MaxDisk / (1 << 30)))
	if srv.Status == driver.StatusRunning {
		srv.Usage = []driver.Metric{
			{Name: "cpu", Value: st.CPU, Unit: "%"},
			{Name: "memory", Value: st.Memory.Percent, Unit: "%"},
			{Name: "memory_used", Value: st.Memory.UsedMB, Unit: "MB"},
			{Name: "disk_used", Value: math.Round(st.Disk/(1<<30)*100) / 100, Unit: "GiB"},
			{Name: "uptime", Value: st.uptime().Seconds(), Unit: "s"},
		}
	}
	return &srv, nil
}

// status fetches P/status.
func (d *Driver) status(ctx context.Context, id string) (*vmStatus, error) {
	if err := d.checkServer(id); err != nil {
		return nil, err
	}
	var st vmStatus
	if err := d.do(ctx, d.vpsCall(http.MethodGet, id, "status", permReadVPS, nil), &st); err != nil {
		return nil, err
	}
	if st.Status == "" {
		return nil, fault.Errorf(fault.Unavailable, "malformed response from Suble for server %s: no status", id)
	}
	return &st, nil
}

// lookup returns id's listing entry, listing again when the cached one is
// older than MetadataTTL or lacks id (a server created since).
func (d *Driver) lookup(ctx context.Context, id string) (driver.Server, error) {
	if err := d.checkServer(id); err != nil {
		return driver.Server{}, err
	}
	d.meta.mu.Lock()
	s, ok := d.meta.byID[id]
	fresh := d.cfg.MetadataTTL > 0 && d.cfg.Clock().Sub(d.meta.at) < d.cfg.MetadataTTL
	d.meta.mu.Unlock()
	if ok && fresh {
		s.IPv4, s.IPv6 = slices.Clone(s.IPv4), slices.Clone(s.IPv6)
		return s, nil
	}
	list, err := d.ListServers(ctx)
	if err != nil {
		return driver.Server{}, err
	}
	for _, s := range list {
		if s.ID == id {
			return s, nil
		}
	}
	return driver.Server{}, fault.Errorf(fault.NotFound, "server %s not found among the VPS products of Suble project %s", id, d.cfg.Project)
}

func (d *Driver) allowed(id string) bool { return d.products == nil || d.products[id] }

// checkServer is the first step of every per-server method: an id that
// cannot be a product id is Invalid, one outside Config.Products NotFound.
func (d *Driver) checkServer(id string) error {
	if err := checkServerID(id); err != nil {
		return err
	}
	if !d.allowed(id) {
		return fault.Errorf(fault.NotFound, "server %s is not among the products configured for this Suble provider", id)
	}
	return nil
}

// checkServerID refuses an id that cannot safely go into a URL path. The
// id is quoted (escaped, cut short): it may be anything a user typed.
func checkServerID(id string) error {
	if err := checkPathID(id); err != nil {
		return fault.Errorf(fault.Invalid, "server id %.64q is not a Suble product id: %v", id, err)
	}
	return nil
}

// listStatus maps the listing's online/offline.
func listStatus(s string) driver.Status {
	switch strings.ToLower(s) {
	case "online":
		return driver.StatusRunning
	case "offline":
		return driver.StatusStopped
	}
	return vmState(s)
}

// vmState maps the Proxmox-style status of P/status.
func vmState(s string) driver.Status {
	switch strings.ToLower(s) {
	case "running":
		return driver.StatusRunning
	case "stopped":
		return driver.StatusStopped
	case "paused", "suspended", "prelaunch":
		return driver.StatusSuspended
	}
	if rebuildingStates[strings.ToLower(s)] {
		return driver.StatusReinstalling
	}
	return driver.StatusUnknown
}

// addresses strips a prefix length ("2001:db8::100/64" → "2001:db8::100")
// so the lists hold addresses; anything unparsable is kept as given.
func addresses(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, a := range in {
		a = strings.TrimSpace(a)
		if p, err := netip.ParsePrefix(a); err == nil {
			a = p.Addr().String()
		}
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}
