package app

import (
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
// builder maps config keys onto the driver's own Config; the driver
// validates it, naming fields and never secret values.
var drivers = map[string]func(config.Provider, Options) (driver.Driver, error){
	config.TypeGleSYS:     newGleSYS,
	config.TypeSuble:      newSuble,
	config.TypeCyberPanel: newCyberPanel,
	config.TypeVPSBG:      newVPSBG,
	config.TypeEDIS:       newEDIS,
}

func newGleSYS(pc config.Provider, o Options) (driver.Driver, error) {
	c := glesys.NewDefaultConfig()
	c.Project, c.APIKey, c.Logger = pc.Project, pc.APIKey.Reveal(), o.Logger
	if pc.BaseURL != "" {
		c.BaseURL = pc.BaseURL
	}
	if pc.PollInterval > 0 {
		c.PollInterval = pc.PollInterval.Duration()
	}
	return glesys.New(c)
}

func newSuble(pc config.Provider, o Options) (driver.Driver, error) {
	c := suble.NewDefaultConfig()
	c.Project, c.Token, c.Logger = pc.Project, pc.Token.Reveal(), o.Logger
	c.Email, c.Password = pc.Email, pc.Password.Reveal()
	c.Products, c.RebuildSSHKeys = pc.Products, pc.SSHKeys
	if pc.BaseURL != "" {
		c.BaseURL = pc.BaseURL
	}
	if pc.PollInterval > 0 {
		c.PollInterval = pc.PollInterval.Duration()
	}
	return suble.New(c)
}

func newCyberPanel(pc config.Provider, o Options) (driver.Driver, error) {
	c := cyberpanel.NewDefaultConfig()
	c.APIKey, c.Logger = pc.APIKey.Reveal(), o.Logger
	if pc.BaseURL != "" {
		c.BaseURL = pc.BaseURL
	}
	if pc.PollInterval > 0 {
		c.PollInterval = pc.PollInterval.Duration()
	}
	return cyberpanel.New(c)
}

func newVPSBG(pc config.Provider, o Options) (driver.Driver, error) {
	c := vpsbg.NewDefaultConfig()
	c.Token, c.ReadToken, c.Logger = pc.Token.Reveal(), pc.ReadToken.Reveal(), o.Logger
	c.CancelNow = pc.CancelMode == "immediate"
	if pc.BaseURL != "" {
		c.BaseURL = pc.BaseURL
	}
	if pc.PollInterval > 0 {
		c.PollInterval = pc.PollInterval.Duration()
	}
	return vpsbg.New(c)
}

func newEDIS(pc config.Provider, o Options) (driver.Driver, error) {
	c := edis.NewDefaultConfig()
	c.Email, c.Password, c.KVMIDs, c.Logger = pc.Email, pc.Password.Reveal(), pc.KVMIDs, o.Logger
	if pc.SessionURL != "" {
		c.SessionURL = pc.SessionURL
	}
	if pc.OrderURL != "" {
		c.OrderURL = pc.OrderURL
	}
	if pc.APIScheme != "" {
		c.APIScheme = pc.APIScheme
	}
	if pc.PollInterval > 0 {
		c.PollInterval = pc.PollInterval.Duration()
	}
	if pc.CancelMode == "end_of_period" {
		c.CancelType = edis.CancelEndOfPeriod
	}
	return edis.New(c)
}
