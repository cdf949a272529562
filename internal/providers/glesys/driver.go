package glesys

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Driver talks to the GleSYS API for one project. It is safe for
// concurrent use and keeps no state between calls beyond its config.
type Driver struct {
	base      string // BaseURL without a trailing slash
	project   string
	apiKey    string // only to redact it from provider texts
	auth      string // the Authorization header value
	userAgent string
	http      *http.Client
	poll      time.Duration
	clock     func() time.Time
	log       *slog.Logger
}

// New returns a driver for cfg, or an error naming the config fields that
// are missing or wrong (never their secret values).
func New(cfg Config) (*Driver, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Driver{
		base:      cfg.BaseURL,
		project:   cfg.Project,
		apiKey:    cfg.APIKey,
		auth:      "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Project+":"+cfg.APIKey)),
		userAgent: "vpsops/" + buildinfo.String(),
		http:      cfg.HTTPClient,
		poll:      cfg.PollInterval,
		clock:     cfg.Clock,
		log:       cfg.Logger,
	}, nil
}

// What the driver implements; these fail to compile if one drifts. There
// is deliberately no Reinstaller (GleSYS has no reinstall API) and no
// Snapshotter (see describe.go).
var (
	_ driver.Driver          = (*Driver)(nil)
	_ driver.PowerController = (*Driver)(nil)
	_ driver.Destroyer       = (*Driver)(nil)
	_ driver.Consoler        = (*Driver)(nil)
	_ driver.ISOMounter      = (*Driver)(nil)
	_ driver.PTRManager      = (*Driver)(nil)
	_ driver.Describer       = (*Driver)(nil)
)
