// Package kinds is the one table of provider types vpsops knows: each
// type's name, the settings its providers: entries decode into, and
// (through those settings) how its driver is built. Adding a provider is
// a package with a Settings type and a line here; config, the
// application and the README's provider table all follow this table.
package kinds

import (
	"log/slog"
	"slices"

	"github.com/vpsops/vpsops/internal/config/schema"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
)

// Demo is the type of the built-in simulated fleet.
const Demo = "demo"

// Kind is one provider type.
type Kind struct {
	// Type is the value of an entry's type key.
	Type string
	// New returns a fresh, empty Settings for an entry of this type.
	New func() schema.Settings
}

// Opener is a Settings that builds its own driver. Every type's settings
// are one but demo's: the demo driver needs the application's database.
type Opener interface {
	Open(logger *slog.Logger) (driver.Driver, error)
}

// all is every provider type, sorted by Type.
var all = []Kind{
	{"cyberpanel", func() schema.Settings { return &cyberpanel.Settings{} }},
	{Demo, func() schema.Settings { return &demo.Settings{} }},
	{"edis", func() schema.Settings { return &edis.Settings{} }},
	{"glesys", func() schema.Settings { return &glesys.Settings{} }},
	{"suble", func() schema.Settings { return &suble.Settings{} }},
	{"vpsbg", func() schema.Settings { return &vpsbg.Settings{} }},
}

// All returns every provider type, sorted by Type.
func All() []Kind { return slices.Clone(all) }

// Lookup returns the kind of type typ.
func Lookup(typ string) (Kind, bool) {
	i := slices.IndexFunc(all, func(k Kind) bool { return k.Type == typ })
	if i < 0 {
		return Kind{}, false
	}
	return all[i], true
}

// Types returns every type name, sorted.
func Types() []string {
	out := make([]string, len(all))
	for i, k := range all {
		out[i] = k.Type
	}
	return out
}
