package vpsbg

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// listStatuses are the billing statuses ListServers shows: the API's
// default (active, suspended) plus servers still being deployed.
const listStatuses = "active,suspended,processing"

// statusFanOut bounds the concurrent /status requests of a listing.
const statusFanOut = 4

// ListServers implements driver.Driver. The list endpoint carries no
// power state, so each active server's /status is fetched too (at most
// statusFanOut at a time); a server whose list entry has a state object
// needs no extra request.
func (d *Driver) ListServers(ctx context.Context) ([]driver.Server, error) {
	items, err := listAll[apiServer](ctx, d, "/servers", url.Values{"filter[status]": {listStatuses}}, 50, "list servers")
	if err != nil {
		return nil, err
	}
	out := make([]driver.Server, len(items))
	errs := make([]error, len(items))
	sem := make(chan struct{}, statusFanOut)
	var wg sync.WaitGroup
	for i := range items {
		it := &items[i]
		if it.Status != "active" || it.State != nil && it.State.Running != nil {
			out[i] = d.toServer(it, nil)
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			st, err := d.status(ctx, it.ID)
			if err != nil {
				errs[i] = err
				return
			}
			out[i] = d.toServer(it, st)
		})
	}
	wg.Wait()
	kept := out[:0]
	for i, err := range errs {
		var e *fault.Error
		switch {
		case err == nil:
			kept = append(kept, out[i])
		case errors.As(err, &e) && e.Class == fault.NotFound:
			// cancelled and gone between the list and its status
		default:
			return nil, err
		}
	}
	return kept, nil
}

// GetServer implements driver.Driver: the server's details and live
// status, with usage from /status, the month's newest /metrics sample and
// the month's /bandwidth — four requests, made concurrently. Metrics and
// bandwidth are extras: when one of them fails the server is still
// returned, without those figures.
func (d *Driver) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	n, err := serverID(id)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg              sync.WaitGroup
		st              *apiStatus
		stErr           error
		netUse, trafUse []driver.Metric
		netErr, trafErr error
	)
	wg.Go(func() { st, stErr = d.status(ctx, n) })
	wg.Go(func() { netUse, netErr = d.networkUsage(ctx, n) })
	wg.Go(func() { trafUse, trafErr = d.trafficUsage(ctx, n) })
	srv, err := d.details(ctx, n)
	if err != nil {
		cancel()
		wg.Wait()
		return nil, err
	}
	wg.Wait()
	if stErr != nil {
		return nil, stErr
	}
	if srv.Status == "terminated" {
		return nil, fault.Errorf(fault.NotFound, "server %d not found (terminated)", n)
	}
	out := d.toServer(srv, st)
	for _, x := range []struct {
		what string
		use  []driver.Metric
		err  error
	}{{"metrics", netUse, netErr}, {"bandwidth", trafUse, trafErr}} {
		if x.err != nil {
			d.log.WarnContext(ctx, "usage figures unavailable", "server", n, "source", x.what, "error", x.err.Error())
			continue
		}
		out.Usage = append(out.Usage, x.use...)
	}
	return &out, nil
}

// serverID parses a VPSBG server id (a positive decimal number).
func serverID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, fault.Errorf(fault.Invalid, "%q is not a VPSBG server id (a number)", id)
	}
	return n, nil
}

func serverPath(id int64) string { return "/servers/" + strconv.FormatInt(id, 10) }

func serverWhat(id int64) string { return "server " + strconv.FormatInt(id, 10) }

// details is GET /servers/{id}.
func (d *Driver) details(ctx context.Context, id int64) (*apiServer, error) {
	var env serverEnvelope
	err := d.do(ctx, call{method: http.MethodGet, path: serverPath(id),
		action: "read " + serverWhat(id), what: serverWhat(id)}, &env)
	if err != nil {
		return nil, err
	}
	s := env.server()
	if s.ID != id {
		return nil, fault.Errorf(fault.Unavailable, "read %s: malformed response from VPSBG (server id %d)", serverWhat(id), s.ID)
	}
	return s, nil
}

// status is GET /servers/{id}/status.
func (d *Driver) status(ctx context.Context, id int64) (*apiStatus, error) {
	var env statusEnvelope
	err := d.do(ctx, call{method: http.MethodGet, path: serverPath(id) + "/status",
		action: "read the status of " + serverWhat(id), what: serverWhat(id)}, &env)
	if err != nil {
		return nil, err
	}
	st := env.status()
	if st.Running == nil {
		return nil, fault.Errorf(fault.Unavailable, "read the status of %s: malformed response from VPSBG (no running flag)", serverWhat(id))
	}
	return st, nil
}

// running is the server's power state: /status's flag when given, else
// the details' state object; nil when neither says.
func running(s *apiServer, st *apiStatus) *bool {
	switch {
	case st != nil && st.Running != nil:
		return st.Running
	case s.State != nil:
		return s.State.Running
	}
	return nil
}

// portableStatus maps the billing status and the power flag.
func portableStatus(s *apiServer, st *apiStatus) (driver.Status, string) {
	run := running(s, st)
	power := ""
	if run != nil {
		power = map[bool]string{true: "running", false: "stopped"}[*run]
	}
	word := s.Status
	if power != "" {
		word += ", " + power
	}
	if st != nil && st.RescueMode {
		word += ", rescue mode"
	}
	if st != nil && st.NetworkSuspended {
		word += ", network suspended"
	}
	switch {
	case s.Status == "suspended" || st != nil && st.Suspended:
		return driver.StatusSuspended, word
	case s.Status == "processing":
		return driver.StatusStarting, word
	case s.Status != "active" || run == nil:
		return driver.StatusUnknown, word
	case *run:
		return driver.StatusRunning, word
	}
	return driver.StatusStopped, word
}

// toServer builds the portable view; st may be nil.
func (d *Driver) toServer(s *apiServer, st *apiStatus) driver.Server {
	out := driver.Server{
		ID:     strconv.FormatInt(s.ID, 10),
		Name:   s.Hostname,
		Locked: s.Locked,
	}
	out.Status, out.State = portableStatus(s, st)
	if p := s.Plan; p != nil {
		out.Plan, out.CPUs = p.Name, p.VCPUs
		out.MemoryMB, out.DiskGB = int(p.Memory*1024), int(p.Disk)
	}
	if s.ServerImage != nil {
		out.Image = s.ServerImage.Name
	}
	if t, err := time.Parse(time.RFC3339Nano, s.CreatedAt); err == nil {
		out.Created = t
	}
	for _, ip := range s.IPAddresses {
		addr := ip.IPAddress
		switch ip.Version {
		case 4:
			out.IPv4 = append(out.IPv4, addr)
		case 6:
			if ip.Prefix > 0 && ip.Prefix < 128 && !strings.Contains(addr, "/") {
				addr += "/" + strconv.Itoa(ip.Prefix)
			}
			out.IPv6 = append(out.IPv6, addr)
		}
	}
	if st != nil {
		out.Usage = statusUsage(st)
	}
	return out
}
