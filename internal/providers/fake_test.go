package providers

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// fake is a driver with every capability whose calls are counted and
// whose failures are scripted: each call takes the next error from errs
// (nil once they run out). With block set, a call first waits for its
// context to end, then answers with the scripted error or ctx.Err().
type fake struct {
	calls   atomic.Int32
	block   bool
	servers []driver.Server

	mu   sync.Mutex
	errs []error
}

func (f *fake) next(ctx context.Context) error {
	f.calls.Add(1)
	f.mu.Lock()
	var err error
	if len(f.errs) > 0 {
		err, f.errs = f.errs[0], f.errs[1:]
	}
	f.mu.Unlock()
	if f.block {
		<-ctx.Done()
		if err == nil {
			err = ctx.Err()
		}
	}
	return err
}

func (f *fake) ListServers(ctx context.Context) ([]driver.Server, error) {
	if err := f.next(ctx); err != nil {
		return nil, err
	}
	return f.servers, nil
}

func (f *fake) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	if err := f.next(ctx); err != nil {
		return nil, err
	}
	return &driver.Server{ID: id, Name: "x", Status: driver.StatusRunning}, nil
}

func (f *fake) PowerActions() []driver.PowerAction {
	return []driver.PowerAction{driver.PowerStart, driver.PowerStop}
}

func (f *fake) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	if err := f.next(ctx); err != nil {
		return nil, err
	}
	return &driver.Operation{
		Description: string(a) + " " + id,
		Wait: func(ctx context.Context, report func(driver.Progress)) error {
			report(driver.Progress{Percent: 100, Status: "done", At: time.Now()})
			return ctx.Err()
		},
	}, nil
}

func (f *fake) Images(ctx context.Context, id string) ([]driver.Image, error) {
	return []driver.Image{{ID: "debian-12", Name: "Debian 12"}}, f.next(ctx)
}

func (f *fake) Reinstall(ctx context.Context, id string, o driver.ReinstallOptions) (*driver.Operation, error) {
	return driver.Done("reinstall"), f.next(ctx)
}

func (f *fake) Destroy(ctx context.Context, id string) (*driver.Operation, error) {
	return driver.Done("destroy"), f.next(ctx)
}

func (f *fake) Console(ctx context.Context, id string) (*driver.Console, error) {
	return &driver.Console{Kind: "vnc", Host: "h"}, f.next(ctx)
}

func (f *fake) InitialLogin(ctx context.Context, id string) (*driver.Login, error) {
	return &driver.Login{Protocol: "ssh", Username: "root", Password: "p"}, f.next(ctx)
}

func (f *fake) ISOs(ctx context.Context, id string) ([]driver.ISO, error) { return nil, f.next(ctx) }
func (f *fake) MountISO(ctx context.Context, id, iso string) (*driver.Operation, error) {
	return driver.Done("mount"), f.next(ctx)
}
func (f *fake) UnmountISO(ctx context.Context, id string) (*driver.Operation, error) {
	return driver.Done("unmount"), f.next(ctx)
}
func (f *fake) PTRs(ctx context.Context, id string) ([]driver.PTR, error) { return nil, f.next(ctx) }
func (f *fake) SetPTR(ctx context.Context, id, ip, host string) error     { return f.next(ctx) }
func (f *fake) ResetPTR(ctx context.Context, id, ip string) error         { return f.next(ctx) }
func (f *fake) Snapshots(ctx context.Context, id string) ([]driver.Snapshot, error) {
	return nil, f.next(ctx)
}
func (f *fake) CreateSnapshot(ctx context.Context, id, name string) (*driver.Operation, error) {
	return driver.Done("snapshot"), f.next(ctx)
}

// coreOnly exposes only the core of a fake, and describes itself like a
// provider with no reinstall API.
type coreOnly struct{ f *fake }

func (c coreOnly) ListServers(ctx context.Context) ([]driver.Server, error) {
	return c.f.ListServers(ctx)
}
func (c coreOnly) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	return c.f.GetServer(ctx, id)
}
func (coreOnly) DisplayName() string { return "GleSYS" }
func (coreOnly) Instead(c driver.Capability) string {
	if c == driver.CapReinstall {
		return "create a new server from a template instead"
	}
	return ""
}

// waits records the backoff of a Provider instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

// newTestProvider wraps d with recorded (not slept) backoff.
func newTestProvider(name string, d driver.Driver, o Options) (*Provider, *waits) {
	p := New(name, "fake", d, o)
	w := &waits{}
	p.wait = w.wait
	return p, w
}
