package providers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// capWords is how a capability reads in "X has no <words> API".
func capWords(c driver.Capability) string {
	switch c {
	case driver.CapISO:
		return "ISO"
	case driver.CapPTR:
		return "reverse DNS (PTR)"
	case driver.CapLogin:
		return "initial-login"
	case driver.CapImages:
		return "image list"
	case driver.CapSnapshots:
		return "snapshot"
	case driver.CapSnapshot:
		return "snapshot creation"
	}
	return string(c)
}

// capable returns p's driver as feature f's interface after
// the checks every per-server call shares: the Unsupported error users see
// instead of a call that cannot work, then the id's syntax.
func capable[T any](p *Provider, f driver.Feature[T], op, id string) (T, error) {
	var zero T
	v, ok := f.Of(p.d)
	if !ok {
		return zero, p.unsupported(op, id, f.Cap)
	}
	if err := p.checkID(op, id); err != nil {
		return zero, err
	}
	return v, nil
}

// unsupported words the error for a capability the driver lacks, with the
// driver's advice on what to do instead.
func (p *Provider) unsupported(op, id string, c driver.Capability) error {
	msg := fmt.Sprintf("%s has no %s API", p.DisplayName(), capWords(c))
	if ds, ok := p.d.(driver.Describer); ok {
		if s := ds.Instead(c); s != "" {
			msg += "; " + s
		}
	}
	return p.stamp(op, id, &fault.Error{Class: fault.Unsupported, Message: msg})
}

// checkPower answers a power action the driver does not list, and checks
// the id like capable.
func (p *Provider) checkPower(id string, a driver.PowerAction) (driver.PowerController, error) {
	op := "power " + string(a)
	pc, err := capable(p, driver.FeaturePower, op, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(pc.PowerActions(), a) {
		return nil, p.unsupportedPower(op, id, pc, a)
	}
	return pc, nil
}

func (p *Provider) unsupportedPower(op, id string, pc driver.PowerController, a driver.PowerAction) error {
	acts := pc.PowerActions()
	names := make([]string, len(acts))
	for i, x := range acts {
		names[i] = string(x)
	}
	supports := "it has no power actions"
	if len(names) > 0 {
		supports = "it supports " + strings.Join(names, ", ")
	}
	msg := fmt.Sprintf("%s cannot %s a server; %s", p.DisplayName(), a, supports)
	// Drivers may advise per action, asked with the action's name.
	if ds, ok := p.d.(driver.Describer); ok {
		if s := ds.Instead(driver.Capability(a)); s != "" {
			msg += "; " + s
		}
	}
	return p.stamp(op, id, &fault.Error{Class: fault.Unsupported, Message: msg})
}

// Check answers, without calling the driver, whether p can run an
// operation that needs capability c (CapNone: any provider) and, when a
// is set, power action a. It returns the Unsupported error the call itself
// would, with Op set to op, so commands can refuse before asking anyone
// to confirm or approve an action that cannot work.
func (p *Provider) Check(op string, c driver.Capability, a driver.PowerAction) error {
	if !p.Has(c) {
		return p.unsupported(op, "", c)
	}
	if a == "" {
		return nil
	}
	pc, ok := p.d.(driver.PowerController)
	if !ok {
		return p.unsupported(op, "", driver.CapPower)
	}
	if !slices.Contains(pc.PowerActions(), a) {
		return p.unsupportedPower(op, "", pc, a)
	}
	return nil
}

// MaxIDLen bounds a provider's server id.
const MaxIDLen = 128

// ValidateID checks that id can be a provider's server id: non-empty, at
// most MaxIDLen characters from A-Z a-z 0-9 . _ : -. Ids come from users,
// and anything else would end up in a provider's URL path.
func ValidateID(id string) error {
	switch {
	case id == "":
		return fault.Errorf(fault.Invalid, "server id is empty")
	case len(id) > MaxIDLen:
		return fault.Errorf(fault.Invalid, "server id is longer than %d characters", MaxIDLen)
	}
	for _, r := range id {
		if !idRune(r) {
			return fault.Errorf(fault.Invalid, "server id %q has a character outside A-Z a-z 0-9 . _ : -", id)
		}
	}
	return nil
}

func idRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '_' || r == ':' || r == '-'
}

// checkID validates id before any per-server call, so a malformed id never
// reaches the driver.
func (p *Provider) checkID(op, id string) error {
	if err := ValidateID(id); err != nil {
		var e *fault.Error
		errors.As(err, &e)
		return p.stamp(op, id, e)
	}
	return nil
}

// operation wraps the driver's Operation so that a failure while waiting
// is classified and stamped like any other error. Wait is not bounded by
// the call timeout: the caller's ctx decides how long to wait.
func (p *Provider) operation(op, id string, o *driver.Operation) (*driver.Operation, error) {
	if o == nil {
		return nil, p.stamp(op, id, fault.Errorf(fault.Internal, "driver returned no operation"))
	}
	if o.Wait == nil {
		return o, nil
	}
	wait := o.Wait
	return &driver.Operation{
		Description: o.Description,
		Wait: func(ctx context.Context, report func(driver.Progress)) error {
			err := wait(ctx, report)
			if err == nil {
				return nil
			}
			e := classify(err)
			var de *fault.Error
			if ctx.Err() != nil && !errors.As(err, &de) {
				e = &fault.Error{Class: fault.Unavailable, Message: "timed out waiting for " + o.Description, Err: err}
			}
			return p.stamp(op, id, e)
		},
	}, nil
}
