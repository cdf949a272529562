package app

import (
	"time"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
)

// drivers builds the driver of each real provider type from its config
// section. (demo is built in buildFleet: it needs the database.) Each
// builder maps config keys onto the driver's own Config, whose defaults
// stand where a key is unset; the driver validates the result, naming
// fields and never secret values.
var drivers = map[string]func(config.Provider, Options) (driver.Driver, error){
	config.TypeEDIS:       newEDIS,
	config.TypeGleSYS:     newGleSYS,
	config.TypeCyberPanel: newCyberPanel,
	config.TypeVPSBG:      newVPSBG,
	config.TypeSuble:      newSuble,
}

// override sets *dst to v unless v is the zero value (the key was unset).
func override[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

func pollInterval(pc config.Provider) time.Duration { return pc.PollInterval.Duration() }

func newEDIS(pc config.Provider, o Options) (driver.Driver, error) {
	c := edis.NewDefaultConfig()
	c.Email, c.Password, c.KVMIDs, c.Logger = pc.Email, pc.Password.Reveal(), pc.KVMIDs, o.Logger
	override(&c.SessionURL, pc.SessionURL)
	override(&c.OrderURL, pc.OrderURL)
	override(&c.APIScheme, pc.APIScheme)
	override(&c.PollInterval, pollInterval(pc))
	if pc.CancelMode == "end_of_period" {
		c.CancelType = edis.CancelEndOfPeriod
	}
	return edis.New(c)
}

func newGleSYS(pc config.Provider, o Options) (driver.Driver, error) {
	c := glesys.NewDefaultConfig()
	c.Project, c.APIKey, c.Logger = pc.Project, pc.APIKey.Reveal(), o.Logger
	override(&c.BaseURL, pc.BaseURL)
	override(&c.PollInterval, pollInterval(pc))
	return glesys.New(c)
}

func newCyberPanel(pc config.Provider, o Options) (driver.Driver, error) {
	c := cyberpanel.NewDefaultConfig()
	c.APIKey, c.Logger = pc.APIKey.Reveal(), o.Logger
	override(&c.BaseURL, pc.BaseURL)
	override(&c.PollInterval, pollInterval(pc))
	return cyberpanel.New(c)
}

func newVPSBG(pc config.Provider, o Options) (driver.Driver, error) {
	c := vpsbg.NewDefaultConfig()
	c.Token, c.ReadToken, c.Logger = pc.Token.Reveal(), pc.ReadToken.Reveal(), o.Logger
	c.CancelNow = pc.CancelMode == "immediate"
	override(&c.BaseURL, pc.BaseURL)
	override(&c.PollInterval, pollInterval(pc))
	return vpsbg.New(c)
}

func newSuble(pc config.Provider, o Options) (driver.Driver, error) {
	c := suble.NewDefaultConfig()
	c.Project, c.Token, c.Logger = pc.Project, pc.Token.Reveal(), o.Logger
	c.Email, c.Password = pc.Email, pc.Password.Reveal()
	c.Products, c.RebuildSSHKeys = pc.Products, pc.SSHKeys
	override(&c.BaseURL, pc.BaseURL)
	override(&c.PollInterval, pollInterval(pc))
	return suble.New(c)
}
