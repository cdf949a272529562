package providers

import (
	"context"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Every method below follows the same contract: the driver call is bounded
// by Options.Timeout; a failure comes back as one *fault.Error with
// Provider, Op and Server set; reads are retried on retryable failures,
// mutations only on rate limits and busy answers; a capability or power
// action the driver lacks is an Unsupported error and the driver is not
// called; a malformed server id is an Invalid error and the driver is not
// called. Operations returned are wrapped so that Wait's failures are
// stamped too; Wait itself is bounded only by the caller's context.

const (
	read   = false
	mutate = true
)

// ListServers returns every server the provider's credentials can see.
func (p *Provider) ListServers(ctx context.Context) ([]driver.Server, error) {
	ss, err := do(ctx, p, "list servers", "", read, p.d.ListServers)
	for i := range ss {
		displaySafe(&ss[i])
	}
	return ss, err
}

// GetServer returns one server by the provider's id.
func (p *Provider) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	const op = "get server"
	if err := p.checkID(op, id); err != nil {
		return nil, err
	}
	s, err := do(ctx, p, op, id, read, func(ctx context.Context) (*driver.Server, error) {
		return p.d.GetServer(ctx, id)
	})
	if err == nil && s == nil {
		return nil, p.stamp(op, id, fault.Errorf(fault.Internal, "driver returned no server"))
	}
	if s != nil {
		displaySafe(s)
	}
	return s, err
}

// Power performs power action a on server id.
func (p *Provider) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	op := "power " + string(a)
	pc, err := p.checkPower(id, a)
	if err != nil {
		return nil, err
	}
	return p.operationCall(ctx, op, id, func(ctx context.Context) (*driver.Operation, error) {
		return pc.Power(ctx, id, a)
	})
}

// Images lists the images server id can be reinstalled with.
func (p *Provider) Images(ctx context.Context, id string) ([]driver.Image, error) {
	const op = "list images"
	r, err := capable(p, driver.FeatureImages, op, id)
	if err != nil {
		return nil, err
	}
	return do(ctx, p, op, id, read, func(ctx context.Context) ([]driver.Image, error) {
		return r.Images(ctx, id)
	})
}

// Reinstall reinstalls server id. o.Password is a secret and never appears
// in errors or logs from this package.
func (p *Provider) Reinstall(ctx context.Context, id string, o driver.ReinstallOptions) (*driver.Operation, error) {
	const op = "reinstall"
	r, err := capable(p, driver.FeatureReinstall, op, id)
	if err != nil {
		return nil, err
	}
	return p.operationCall(ctx, op, id, func(ctx context.Context) (*driver.Operation, error) {
		return r.Reinstall(ctx, id, o)
	})
}

// Destroy deletes (or cancels) server id.
func (p *Provider) Destroy(ctx context.Context, id string) (*driver.Operation, error) {
	const op = "destroy"
	r, err := capable(p, driver.FeatureDestroy, op, id)
	if err != nil {
		return nil, err
	}
	return p.operationCall(ctx, op, id, func(ctx context.Context) (*driver.Operation, error) {
		return r.Destroy(ctx, id)
	})
}

// Console opens server id's remote console. The result holds secrets.
// Opening a console mints a fresh ticket, so it is not retried as a read.
func (p *Provider) Console(ctx context.Context, id string) (*driver.Console, error) {
	const op = "console"
	r, err := capable(p, driver.FeatureConsole, op, id)
	if err != nil {
		return nil, err
	}
	c, err := do(ctx, p, op, id, mutate, func(ctx context.Context) (*driver.Console, error) {
		return r.Console(ctx, id)
	})
	if err == nil && c == nil {
		return nil, p.stamp(op, id, fault.Errorf(fault.Internal, "driver returned no console"))
	}
	return c, err
}

// InitialLogin reads (and clears at the provider) server id's initial
// login. It is a mutation: reading clears it, so it is never retried after
// a failure that may have happened after the read.
func (p *Provider) InitialLogin(ctx context.Context, id string) (*driver.Login, error) {
	const op = "initial login"
	r, err := capable(p, driver.FeatureLogin, op, id)
	if err != nil {
		return nil, err
	}
	l, err := do(ctx, p, op, id, mutate, func(ctx context.Context) (*driver.Login, error) {
		return r.InitialLogin(ctx, id)
	})
	if err == nil && l == nil {
		return nil, p.stamp(op, id, fault.Errorf(fault.Internal, "driver returned no login"))
	}
	return l, err
}

// ISOs lists the ISO images server id can mount.
func (p *Provider) ISOs(ctx context.Context, id string) ([]driver.ISO, error) {
	const op = "list ISOs"
	r, err := capable(p, driver.FeatureISO, op, id)
	if err != nil {
		return nil, err
	}
	return do(ctx, p, op, id, read, func(ctx context.Context) ([]driver.ISO, error) {
		return r.ISOs(ctx, id)
	})
}

// MountISO mounts iso on server id.
func (p *Provider) MountISO(ctx context.Context, id, iso string) (*driver.Operation, error) {
	const op = "mount ISO"
	r, err := capable(p, driver.FeatureISO, op, id)
	if err != nil {
		return nil, err
	}
	return p.operationCall(ctx, op, id, func(ctx context.Context) (*driver.Operation, error) {
		return r.MountISO(ctx, id, iso)
	})
}

// UnmountISO unmounts server id's ISO.
func (p *Provider) UnmountISO(ctx context.Context, id string) (*driver.Operation, error) {
	const op = "unmount ISO"
	r, err := capable(p, driver.FeatureISO, op, id)
	if err != nil {
		return nil, err
	}
	return p.operationCall(ctx, op, id, func(ctx context.Context) (*driver.Operation, error) {
		return r.UnmountISO(ctx, id)
	})
}

// PTRs lists the reverse DNS records of server id's addresses.
func (p *Provider) PTRs(ctx context.Context, id string) ([]driver.PTR, error) {
	const op = "list PTRs"
	r, err := capable(p, driver.FeaturePTR, op, id)
	if err != nil {
		return nil, err
	}
	return do(ctx, p, op, id, read, func(ctx context.Context) ([]driver.PTR, error) {
		return r.PTRs(ctx, id)
	})
}

// SetPTR points ip's reverse record at hostname.
func (p *Provider) SetPTR(ctx context.Context, id, ip, hostname string) error {
	const op = "set PTR"
	r, err := capable(p, driver.FeaturePTR, op, id)
	if err != nil {
		return err
	}
	_, err = do(ctx, p, op, id, mutate, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, r.SetPTR(ctx, id, ip, hostname)
	})
	return err
}

// ResetPTR restores ip's reverse record to the provider's default.
func (p *Provider) ResetPTR(ctx context.Context, id, ip string) error {
	const op = "reset PTR"
	r, err := capable(p, driver.FeaturePTR, op, id)
	if err != nil {
		return err
	}
	_, err = do(ctx, p, op, id, mutate, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, r.ResetPTR(ctx, id, ip)
	})
	return err
}

// Snapshots lists server id's snapshots.
func (p *Provider) Snapshots(ctx context.Context, id string) ([]driver.Snapshot, error) {
	const op = "list snapshots"
	r, err := capable(p, driver.FeatureSnapshots, op, id)
	if err != nil {
		return nil, err
	}
	return do(ctx, p, op, id, read, func(ctx context.Context) ([]driver.Snapshot, error) {
		return r.Snapshots(ctx, id)
	})
}

// CreateSnapshot snapshots server id under name.
func (p *Provider) CreateSnapshot(ctx context.Context, id, name string) (*driver.Operation, error) {
	const op = "create snapshot"
	r, err := capable(p, driver.FeatureSnapshot, op, id)
	if err != nil {
		return nil, err
	}
	return p.operationCall(ctx, op, id, func(ctx context.Context) (*driver.Operation, error) {
		return r.CreateSnapshot(ctx, id, name)
	})
}

// operationCall runs a mutating call that answers with an Operation.
func (p *Provider) operationCall(ctx context.Context, op, id string, f func(ctx context.Context) (*driver.Operation, error)) (*driver.Operation, error) {
	o, err := do(ctx, p, op, id, mutate, f)
	if err != nil {
		return nil, err
	}
	return p.operation(op, id, o)
}
