// Package edis is the vpsops driver for EDIS Global KVM VPSes (wire
// reference: docs/providers/edis.md).
//
// EDIS authenticates with a session per VPS: a form-encoded login with the
// client-area e-mail and password at the session host returns, for every
// VPS of the account, the api_host that manages it and a signature valid
// until valid_until. Every management call is then a form POST to that
// api_host carrying signature, kvm_id and valid_until. The driver keeps
// those sessions in memory (never on disk, never beyond their expiry),
// logs in once for any number of concurrent callers, and logs in again
// shortly before expiry or once after the API rejects a session — which is
// also how it follows a VPS that migrated to another api_host.
//
// Cancelling (Destroy) goes through the Order API with the raw account
// credentials. EDIS has no graceful shutdown, soft reboot or snapshot API.
package edis

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/wire"
)

// Driver talks to one EDIS account. It is safe for concurrent use.
type Driver struct {
	cfg        Config
	sessionURL string // without trailing slash
	orderURL   string
	http       *http.Client
	userAgent  string
	allowed    map[string]bool // KVMIDs as a set; nil means all
	// edisHosts: the session host is EDIS's own, so the api_host and
	// api_rdns it names must be EDIS hosts too (see apiHostAllowed).
	edisHosts bool
	sess      *sessions
}

// New validates cfg and returns a driver. It makes no request: the first
// call logs in.
func New(cfg Config) (*Driver, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.KVMIDs = slices.Clone(cfg.KVMIDs)
	d := &Driver{
		cfg:        cfg,
		sessionURL: strings.TrimRight(cfg.SessionURL, "/"),
		orderURL:   strings.TrimRight(cfg.OrderURL, "/"),
		userAgent:  "vpsops/" + buildinfo.String(),
		edisHosts:  isEDISDomain(hostname(cfg.SessionURL)),
	}
	// Never follow a redirect: Go repeats a POST body on 307/308, which
	// would hand the password, a signature or a root password to whatever
	// host the redirect names. A 3xx answer becomes an error in post.
	if cfg.HTTPClient != nil {
		d.http = wire.NoRedirects(cfg.HTTPClient)
	} else {
		d.http = wire.NoRedirects(defaultHTTPClient(cfg.Timeout))
	}
	if len(cfg.KVMIDs) > 0 {
		d.allowed = make(map[string]bool, len(cfg.KVMIDs))
		for _, id := range cfg.KVMIDs {
			d.allowed[id] = true
		}
	}
	if cfg.APIScheme == "http" {
		cfg.Logger.Warn("edis: api_scheme http sends session signatures unencrypted; use it only with an emulator")
	}
	d.sess = newSessions(cfg.Clock, d.login, cfg.Logger)
	return d, nil
}

// defaultHTTPClient keeps enough idle connections per host for a burst of
// concurrent commands against one api_host.
func defaultHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: t, Timeout: timeout}
}

// The driver implements these; a drift fails to compile. It deliberately
// does not implement driver.Snapshotter (EDIS has no snapshot API).
var (
	_ driver.Driver          = (*Driver)(nil)
	_ driver.PowerController = (*Driver)(nil)
	_ driver.Reinstaller     = (*Driver)(nil)
	_ driver.Destroyer       = (*Driver)(nil)
	_ driver.Consoler        = (*Driver)(nil)
	_ driver.ISOMounter      = (*Driver)(nil)
	_ driver.PTRManager      = (*Driver)(nil)
	_ driver.Describer       = (*Driver)(nil)
	_ driver.ImageLister     = (*Driver)(nil)
)
