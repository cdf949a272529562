package glesys

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// listConcurrency bounds the server/details calls ListServers makes at
// once: enough to list a project quickly, few enough not to hammer the API.
const listConcurrency = 4

// serverJSON is response.server of server/details (glesys-go's
// ServerDetails). IsRunning and IsLocked are present only with
// includestate; State is the deprecated word older answers carry.
type serverJSON struct {
	ID              string `json:"serverid"`
	Hostname        string `json:"hostname"`
	CPUs            int    `json:"cpucores"`
	MemoryMB        int    `json:"memorysize"`
	DiskGB          int    `json:"disksize"`
	Datacenter      string `json:"datacenter"`
	Platform        string `json:"platform"`
	Template        string `json:"templatename"`
	InitialTemplate struct {
		Name string `json:"name"`
	} `json:"initialtemplate"`
	IPList []struct {
		Address string `json:"ipaddress"`
	} `json:"iplist"`
	ISOFile   string `json:"isofile"`
	IsRunning *bool  `json:"isrunning"`
	IsLocked  bool   `json:"islocked"`
	Status    string `json:"status"`
	State     string `json:"state"`
}

type detailsResponse struct {
	envelope
	Server serverJSON `json:"server"`
}

type listResponse struct {
	envelope
	Servers []struct {
		ID string `json:"serverid"`
	} `json:"servers"`
}

// serverArgs is the argument of every per-server function.
type serverArgs struct {
	ServerID string `json:"serverid"`
}

type detailsArgs struct {
	ServerID     string `json:"serverid"`
	IncludeState bool   `json:"includestate"`
}

// ListServers implements driver.Driver: server/list for the ids, then
// server/details with state for each, because only details says whether a
// server runs. A server destroyed between the two calls is left out.
func (d *Driver) ListServers(ctx context.Context) ([]driver.Server, error) {
	list, err := call[listResponse](ctx, d, "server/list", nil)
	if err != nil {
		if emptyListAnswer(err) {
			return []driver.Server{}, nil
		}
		return nil, err
	}
	out := make([]driver.Server, len(list.Servers))
	found := make([]bool, len(list.Servers))
	errs := make([]error, len(list.Servers))
	sem := make(chan struct{}, listConcurrency)
	var wg sync.WaitGroup
	for i, s := range list.Servers {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = d.transportError(ctx, "server/details", ctx.Err())
				return
			}
			defer func() { <-sem }()
			j, err := d.details(ctx, s.ID)
			switch {
			case fault.ClassOf(err) == fault.NotFound:
			case err != nil:
				errs[i] = err
			default:
				out[i], found[i] = toServer(j), true
			}
		})
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, err
	}
	servers := make([]driver.Server, 0, len(out))
	for i, s := range out {
		if found[i] {
			servers = append(servers, s)
		}
	}
	return servers, nil
}

// firstError returns the first non-nil error, which is already classified.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// GetServer implements driver.Driver with one server/details call.
func (d *Driver) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	j, err := d.details(ctx, id)
	if err != nil {
		return nil, err
	}
	s := toServer(j)
	return &s, nil
}

// details fetches server id with its state. An unknown id is NotFound
// naming the server; an answer for another server is malformed.
func (d *Driver) details(ctx context.Context, id string) (*serverJSON, error) {
	r, err := call[detailsResponse](ctx, d, "server/details", detailsArgs{ServerID: id, IncludeState: true})
	if err != nil {
		return nil, serverErr(err, id)
	}
	if r.Server.ID != id {
		return nil, fault.Errorf(fault.Unavailable, "malformed response from GleSYS to server/details: asked for %s, got %q", id, r.Server.ID)
	}
	return &r.Server, nil
}

// serverErr words a NotFound from a per-server function as the server
// being unknown; other errors pass through.
func serverErr(err error, id string) error {
	var e *fault.Error
	if errors.As(err, &e) && e.Class == fault.NotFound {
		return &fault.Error{Class: fault.NotFound, Message: fmt.Sprintf("server %s not found in the project", id), Err: err}
	}
	return err
}

// toServer maps details to the portable view.
func toServer(j *serverJSON) driver.Server {
	s := driver.Server{
		ID:       j.ID,
		Name:     j.Hostname,
		Status:   driver.StatusUnknown,
		State:    j.Status,
		Locked:   j.IsLocked,
		Region:   j.Datacenter,
		Plan:     j.Platform,
		Image:    j.Template,
		CPUs:     j.CPUs,
		MemoryMB: j.MemoryMB,
		DiskGB:   j.DiskGB,
	}
	if s.State == "" {
		s.State = j.State
	}
	if s.Image == "" {
		s.Image = j.InitialTemplate.Name
	}
	if j.IsRunning != nil {
		s.Status = driver.StatusStopped
		if *j.IsRunning {
			s.Status = driver.StatusRunning
		}
	}
	for _, ip := range j.IPList {
		a, err := netip.ParseAddr(ip.Address)
		switch {
		case err != nil:
		case a.Is4() || a.Is4In6():
			s.IPv4 = append(s.IPv4, a.Unmap().String())
		default:
			s.IPv6 = append(s.IPv6, a.String())
		}
	}
	return s
}
