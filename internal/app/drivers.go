package app

import (
	"fmt"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/kinds"
)

// openDriver builds the driver of a real provider from its settings,
// which know their own driver (kinds.Opener); the driver validates the
// result, naming fields and never secret values. (demo is built in
// buildFleet: it needs the database.)
func openDriver(pc config.Provider, o Options) (driver.Driver, error) {
	opener, ok := pc.Section().(kinds.Opener)
	if !ok {
		return nil, fmt.Errorf("provider type %q is not available in this build", pc.Type)
	}
	return opener.Open(o.Logger)
}
