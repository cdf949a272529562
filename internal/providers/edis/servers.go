package edis

import (
	"context"
	"strings"
	"sync"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// listConcurrency bounds the get/power calls ListServers makes at once.
const listConcurrency = 4

// powerResponse is get/power's answer. data is free text.
type powerResponse struct {
	envelope
	Data             string `json:"data"`
	TrafficSuspended bool   `json:"traffic_suspended"`
}

// ListServers implements driver.Driver: the VPSes of the login response
// (one per VPS, limited to Config.KVMIDs), each with its power state. A
// VPS whose power state cannot be read is listed with status unknown and
// the reason in State, so one sick node does not hide the fleet.
func (d *Driver) ListServers(ctx context.Context) ([]driver.Server, error) {
	all, err := d.sess.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]driver.Server, len(all))
	if len(all) == 1 { // the common single-VPS instance: no goroutine needed
		p, err := d.power(ctx, all[0].id)
		out[0] = serverFrom(all[0], p, err)
		return out, ctxErr(ctx)
	}
	sem := make(chan struct{}, listConcurrency)
	var wg sync.WaitGroup
	for i, se := range all {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			p, err := d.power(ctx, se.id)
			out[i] = serverFrom(se, p, err)
		})
	}
	wg.Wait()
	return out, ctxErr(ctx)
}

// ctxErr is a classified error if ctx has ended: a list whose power states
// were cut short is not an answer.
func ctxErr(ctx context.Context) error {
	if ctx.Err() != nil {
		return &fault.Error{Class: fault.Unavailable, Message: "listing EDIS servers interrupted: " + ctx.Err().Error(), Err: ctx.Err()}
	}
	return nil
}

// GetServer implements driver.Driver: the login's data, the power state,
// and this month's traffic and the CPU usage as Usage metrics. The three
// calls run concurrently; the usage ones are best effort (their response
// shapes are unverified), the power state is not.
func (d *Driver) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	se, err := d.sess.get(ctx, id)
	if err != nil {
		return nil, err
	}
	var (
		wg       sync.WaitGroup
		traffic  []driver.Metric
		cpu      []driver.Metric
		tErr, cE error
	)
	wg.Go(func() { traffic, tErr = d.trafficUsage(ctx, id) })
	wg.Go(func() { cpu, cE = d.cpuUsage(ctx, id) })
	p, err := d.power(ctx, id)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	s := serverFrom(se, p, nil)
	for _, u := range []struct {
		what string
		m    []driver.Metric
		err  error
	}{{"traffic", traffic, tErr}, {"cpu_usage", cpu, cE}} {
		if u.err != nil {
			d.cfg.Logger.Debug("edis: usage unavailable", "server", id, "call", u.what, "class", fault.ClassOf(u.err), "error", u.err.Error())
			continue
		}
		s.Usage = append(s.Usage, u.m...)
	}
	return &s, nil
}

// power reads get/power for id.
func (d *Driver) power(ctx context.Context, id string) (*powerResponse, error) {
	var p powerResponse
	if err := d.call(ctx, id, epPower, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// status is id's portable status from get/power.
func (d *Driver) status(ctx context.Context, id string) (driver.Status, error) {
	p, err := d.power(ctx, id)
	if err != nil {
		return "", err
	}
	return parsePower(p.Data), nil
}

// serverFrom builds the portable server from the login entry and, when
// perr is nil, the power state.
func serverFrom(se *session, p *powerResponse, perr error) driver.Server {
	s := driver.Server{ID: se.id, Name: se.name, Region: se.region, Status: driver.StatusUnknown}
	if s.Name == "" {
		s.Name = se.id
	}
	if se.premium {
		s.Plan = "premium"
	}
	if ip := se.primaryIP; ip != "" {
		if strings.Contains(ip, ":") {
			s.IPv6 = []string{ip}
		} else {
			s.IPv4 = []string{ip}
		}
	}
	var words []string
	switch {
	case perr != nil:
		words = append(words, "power state unavailable ("+string(fault.ClassOf(perr))+")")
	default:
		s.Status = parsePower(p.Data)
		words = append(words, strings.TrimSpace(p.Data))
		if p.TrafficSuspended {
			words = append(words, "network suspended: monthly traffic used up")
		}
	}
	if se.suspended {
		s.Status = driver.StatusSuspended
		words = append([]string{"suspended"}, words...)
	}
	s.State = strings.Join(words, "; ")
	return s
}
