// Package providers is the portable layer over provider drivers: a Provider
// wraps one configured driver instance and gives every call the same
// behaviour (a per-call timeout, one classified *fault.Error naming the
// provider, operation and server, retries that never repeat a mutation that
// may have run, and "unsupported" answered without calling the driver). A
// Registry holds the configured instances, lists them all at once and
// resolves the names users type to a provider and a server id.
//
// It reads like gocloud.dev's blob package over blob/driver: drivers stay
// small and classify their own errors; everything they share lives here.
package providers

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// Defaults for Options.
const (
	DefaultTimeout     = 20 * time.Second
	DefaultReadRetries = 2
)

// Options tunes a Provider. The zero value is usable.
type Options struct {
	// Timeout bounds one call to the driver, retries and their backoff
	// included (default DefaultTimeout). It does not bound Operation.Wait:
	// the caller decides how long to wait for a reinstall.
	Timeout time.Duration
	// ReadRetries is how many times a failed call may be repeated
	// (default DefaultReadRetries; negative means never). Reads repeat on
	// any retryable failure; mutating calls only when the provider proved
	// the call did not run (rate limited, busy), and never after a timeout.
	ReadRetries int
	// Logger receives one line per retry and per failed call (default:
	// discard). Messages are classified and secret-free by the driver
	// contract, so logging them is safe.
	Logger *slog.Logger
	// Observer, when set, is told of every call: what metrics count.
	Observer Observer
}

// Observer is told of every driver call a Provider makes, once per call
// however many times it was retried, with the call's class ("" on
// success) and how long it took, waits included. It must be quick and safe
// for concurrent use.
type Observer interface {
	ProviderCall(provider, op, class string, took time.Duration)
}

// Provider is one configured provider instance, e.g. "edis-fra" of type
// "edis". It is safe for concurrent use.
type Provider struct {
	name string
	typ  string
	d    driver.Driver
	o    Options
	// wait sleeps between retries; tests replace it to observe backoff
	// without sleeping.
	wait func(ctx context.Context, d time.Duration) error
}

// New wraps d as the provider instance name of type typ.
func New(name, typ string, d driver.Driver, o Options) *Provider {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	switch {
	case o.ReadRetries == 0:
		o.ReadRetries = DefaultReadRetries
	case o.ReadRetries < 0:
		o.ReadRetries = 0
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("provider", name)
	return &Provider{name: name, typ: typ, d: d, o: o, wait: wire.Sleep}
}

// Name is the instance name users type in references ("edis-fra").
func (p *Provider) Name() string { return p.name }

// Type is the driver type from the configuration ("edis").
func (p *Provider) Type() string { return p.typ }

// Driver returns the wrapped driver, for tests and diagnostics; commands go
// through the Provider so they get its timeouts and error handling.
func (p *Provider) Driver() driver.Driver { return p.d }

// DisplayName is the provider's product name when the driver tells it
// (driver.Describer), otherwise its type.
func (p *Provider) DisplayName() string {
	if ds, ok := p.d.(driver.Describer); ok {
		if n := ds.DisplayName(); n != "" {
			return n
		}
	}
	return p.typ
}

// Has reports whether the driver implements capability c.
func (p *Provider) Has(c driver.Capability) bool { return driver.Has(p.d, c) }

// Capabilities lists what the driver implements, in display order.
func (p *Provider) Capabilities() []driver.Capability { return driver.Capabilities(p.d) }

// PowerActions lists the power actions the driver supports (none without
// the power capability). The slice is the caller's to keep.
func (p *Provider) PowerActions() []driver.PowerAction {
	pc, ok := p.d.(driver.PowerController)
	if !ok {
		return nil
	}
	return slices.Clone(pc.PowerActions())
}

// SetsRootPassword reports whether a reinstall on this provider sets the
// root password it is given (see driver.RootPassworder).
func (p *Provider) SetsRootPassword() bool {
	if rp, ok := p.d.(driver.RootPassworder); ok {
		return rp.SetsRootPassword()
	}
	return driver.Has(p.d, driver.CapReinstall)
}
