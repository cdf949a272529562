package cyberpanel

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// pageSize is the documented maximum of GET /vps?limit=.
const pageSize = 100

// maxPages bounds a listing, so an API that keeps saying has_more cannot
// keep us paging forever (100,000 servers is far beyond any account).
const maxPages = 1000

// listItem is one entry of GET /vps.
type listItem struct {
	ID          int    `json:"id"`
	VMID        int    `json:"vmid"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	IPAddress   string `json:"ip_address"`
	IsSuspended bool   `json:"is_suspended"`
	CreatedAt   string `json:"created_at"`
}

type listPage struct {
	Instances  []listItem `json:"instances"`
	Pagination struct {
		Total   int  `json:"total"`
		Limit   int  `json:"limit"`
		Offset  int  `json:"offset"`
		HasMore bool `json:"has_more"`
	} `json:"pagination"`
}

// details is GET /vps/{id}.
type details struct {
	listItem
	Plan struct {
		Name     string `json:"name"`
		CPUCores int    `json:"cpu_cores"`
		RAMMB    int    `json:"ram_mb"`
		DiskGB   int    `json:"disk_gb"`
	} `json:"plan"`
	Location struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"location"`
}

// liveStatus is GET /vps/{id}/status.
type liveStatus struct {
	VPSID     int    `json:"vps_id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	QMPStatus string `json:"qmpstatus"`
	CPU       struct {
		UsagePercent float64 `json:"usage_percent"`
		Cores        int     `json:"cores"`
	} `json:"cpu"`
	Memory struct {
		UsedBytes    int64   `json:"used_bytes"`
		TotalBytes   int64   `json:"total_bytes"`
		UsagePercent float64 `json:"usage_percent"`
	} `json:"memory"`
	Disk struct {
		ReadBytes  int64 `json:"read_bytes"`
		WriteBytes int64 `json:"write_bytes"`
	} `json:"disk"`
	Network struct {
		InBytes  int64 `json:"in_bytes"`
		OutBytes int64 `json:"out_bytes"`
	} `json:"network"`
	UptimeSeconds int64 `json:"uptime_seconds"`
}

// ListServers implements driver.Driver, paging 100 at a time while the
// API says has_more.
func (d *Driver) ListServers(ctx context.Context) ([]driver.Server, error) {
	var out []driver.Server
	seen := map[int]bool{}
	for page, offset := 0, 0; ; page++ {
		if page == maxPages {
			return nil, fault.Errorf(fault.Unavailable, "CyberPanel server list did not end after %d pages", maxPages)
		}
		var p listPage
		c := call{method: http.MethodGet, scope: "vps:read", what: "the server list",
			path: pathList + "?limit=" + strconv.Itoa(pageSize) + "&offset=" + strconv.Itoa(offset)}
		if err := d.do(ctx, c, &p); err != nil {
			return nil, err
		}
		for _, it := range p.Instances {
			if seen[it.ID] { // the list shifted under us (a server was added or deleted)
				continue
			}
			seen[it.ID] = true
			out = append(out, it.server())
		}
		if !p.Pagination.HasMore {
			return out, nil
		}
		if len(p.Instances) == 0 {
			return nil, fault.Errorf(fault.Unavailable, "CyberPanel server list says there is more after offset %d but sent an empty page", offset)
		}
		offset += len(p.Instances)
	}
}

// GetServer implements driver.Driver with two requests made together:
// details (plan, location, address) and live status (power state and
// metrics). When only the live status fails on the platform's side
// (Proxmox unreachable), the details are returned without metrics rather
// than nothing.
func (d *Driver) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var det details
	var st liveStatus
	var stErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		stErr = d.do(ctx, call{method: http.MethodGet, path: pathStatus(id), scope: "vps:read", what: what}, &st)
	})
	detErr := d.do(ctx, call{method: http.MethodGet, path: pathVPS(id), scope: "vps:read", what: what}, &det)
	if detErr != nil {
		cancel()
	}
	wg.Wait()
	if detErr != nil {
		return nil, detErr
	}
	s := det.server()
	switch {
	case stErr == nil:
		st.apply(&s)
	case fault.ClassOf(stErr) == fault.Unavailable && ctx.Err() == nil:
		d.log.Warn("cyberpanel live status unavailable; showing details only", "server", id, "error", stErr.Error())
	default:
		return nil, stErr
	}
	return &s, nil
}

// serverWhat checks id (the API's ids are integers) and names it.
func serverWhat(id string) (string, error) {
	if n, err := strconv.Atoi(id); err != nil || n <= 0 {
		return "", fault.Errorf(fault.Invalid, "CyberPanel server ids are positive numbers, not %q", id)
	}
	return "server " + id, nil
}

func (it listItem) server() driver.Server {
	st, locked := mapStatus(it.Status, it.IsSuspended)
	s := driver.Server{ID: strconv.Itoa(it.ID), Name: it.Name, Status: st, State: it.Status, Locked: locked}
	if ip := net.ParseIP(it.IPAddress); ip != nil {
		if ip.To4() != nil {
			s.IPv4 = []string{it.IPAddress}
		} else {
			s.IPv6 = []string{it.IPAddress}
		}
	}
	if t, err := time.Parse(time.RFC3339, it.CreatedAt); err == nil {
		s.Created = t
	}
	return s
}

func (d details) server() driver.Server {
	s := d.listItem.server()
	s.Plan, s.CPUs, s.MemoryMB, s.DiskGB = d.Plan.Name, d.Plan.CPUCores, d.Plan.RAMMB, d.Plan.DiskGB
	s.Region = d.Location.Name
	if s.Region == "" {
		s.Region = d.Location.Code
	}
	return s
}

// apply puts the live state and metrics on s. Disk and network figures
// are counters since the VM started, not monthly traffic.
func (st liveStatus) apply(s *driver.Server) {
	s.Status, s.Locked = mapStatus(st.Status, s.Status == driver.StatusSuspended)
	s.State = st.Status
	if st.QMPStatus != "" && st.QMPStatus != st.Status {
		s.State += " (" + st.QMPStatus + ")"
	}
	if st.CPU.Cores > 0 {
		s.CPUs = st.CPU.Cores
	}
	if s.Status != driver.StatusRunning {
		return
	}
	s.Usage = []driver.Metric{
		{Name: "cpu", Value: st.CPU.UsagePercent, Unit: "%"},
		{Name: "memory", Value: st.Memory.UsagePercent, Unit: "%"},
		{Name: "memory used", Value: float64(st.Memory.UsedBytes >> 20), Unit: "MiB"},
		{Name: "disk read since boot", Value: float64(st.Disk.ReadBytes >> 20), Unit: "MiB"},
		{Name: "disk written since boot", Value: float64(st.Disk.WriteBytes >> 20), Unit: "MiB"},
		{Name: "network in since boot", Value: float64(st.Network.InBytes >> 20), Unit: "MiB"},
		{Name: "network out since boot", Value: float64(st.Network.OutBytes >> 20), Unit: "MiB"},
		{Name: "uptime", Value: float64(st.UptimeSeconds), Unit: "s"},
	}
}
