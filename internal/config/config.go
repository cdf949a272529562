// Package config loads the vpsops YAML configuration (SPEC §1, §9).
//
// A configuration file is optional: without one, Default applies (demo
// providers, ./vpsops.db, embedded policy). With one, every key the file sets
// replaces the default; keys it omits (or sets to null) keep their defaults.
// In particular a file without a providers key runs the two demo providers.
//
// Loading is strict because this configures a safety tool: an unknown or
// duplicated key, a value of the wrong shape, a missing environment variable
// or an invalid setting is an error, and all problems are reported together,
// each naming its key path (providers[2].api_key) and line. No error ever
// contains a configured value, so secrets cannot leak through them.
//
// Values may reference the environment, and secrets may be read from files;
// see Parse.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vpsops/vpsops/internal/config/schema"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/kinds"
)

// TypeDemo is the type of the built-in simulated fleet. Every type is
// listed in internal/providers/kinds.
const TypeDemo = kinds.Demo

// EnvVar names the environment variable that gives the configuration file
// when --config is not used.
const EnvVar = "VPSOPS_CONFIG"

// Config is the whole configuration. Field comments give the YAML key.
// Secrets are of type Secret, so printing or encoding a Config never shows
// them.
type Config struct {
	// Database holds audit records, approvals and everything else the
	// processes share: an SQLite file (the default, one host), or a
	// postgres:// URL for several replicas (see docs/replicas.md). Give
	// a URL's password through PGPASSWORD or a .pgpass file rather than
	// in the URL; it is never logged either way.
	Database string `yaml:"database" json:"database"`
	Policy   Policy `yaml:"policy" json:"policy"`
	Audit    Audit  `yaml:"audit" json:"audit"`
	// Approvals sets how long confirmation and approval requests live.
	Approvals Approvals  `yaml:"approvals" json:"approvals"`
	HTTP      HTTP       `yaml:"http" json:"http"`
	Providers []Provider `yaml:"providers" json:"providers"`
	// Aliases maps a short server name to a "provider/id" reference.
	Aliases map[string]string `yaml:"aliases" json:"aliases,omitempty"`
	Slack   Slack             `yaml:"slack" json:"slack"`
	Discord Discord           `yaml:"discord" json:"discord"`
	MCP     MCP               `yaml:"mcp" json:"mcp"`
	Log     Log               `yaml:"log" json:"log"`
	Demo    Demo              `yaml:"demo" json:"demo"`

	// lines maps key paths to the line that set them, so that validation
	// errors can point into the file. Nil for a Config not read from YAML.
	lines map[string]int
}

// Policy names the Casbin files. Empty fields mean the embedded copies of
// model.conf and policy.csv. Relative paths are relative to the working
// directory.
type Policy struct {
	Model  string `yaml:"model" json:"model,omitempty"`
	Policy string `yaml:"policy" json:"policy,omitempty"`
}

// Audit configures the audit log.
type Audit struct {
	// HMACKey, when set, makes the record chain an HMAC-SHA256 chain, so that
	// rewriting the log needs the key. At least 16 bytes.
	HMACKey Secret `yaml:"hmac_key" json:"hmac_key,omitempty"`
	// Synchronous is the SQLite synchronous pragma: NORMAL (default) or FULL.
	Synchronous string `yaml:"synchronous" json:"synchronous"`
}

// Approvals configures the confirm and approval gates.
type Approvals struct {
	// TTL is how long an approval request stays pending (default 30m).
	TTL Duration `yaml:"ttl" json:"ttl"`
	// ConfirmTTL is how long a requester has to confirm (default 5m).
	ConfirmTTL Duration `yaml:"confirm_ttl" json:"confirm_ttl"`
}

// HTTP configures the listener for Slack/Discord HTTP endpoints, /healthz,
// /readyz and /metrics.
type HTTP struct {
	// Listen is host:port; empty means no HTTP listener.
	Listen string `yaml:"listen" json:"listen,omitempty"`
}

// Provider is one provider instance: the keys every type has, and the
// type's own Settings, decoded from the same YAML mapping.
type Provider struct {
	// Name is the instance name used in server references (name/id).
	Name string `yaml:"name" json:"name"`
	Type string `yaml:"type" json:"type"`
	// Timeout bounds one API call; 0 means the driver's default.
	Timeout Duration `yaml:"timeout" json:"timeout,omitempty"`
	// Settings holds every other key: the struct the type's package
	// declares (a *edis.Settings for type edis; see kinds). A key the type
	// does not declare is an error.
	Settings schema.Settings `yaml:"-" json:"settings,omitempty"`
}

// Section returns p's Settings, or a fresh empty one of its type when
// p was built in code without them (nil for an unknown type).
func (p Provider) Section() schema.Settings {
	if p.Settings != nil {
		return p.Settings
	}
	if k, ok := kinds.Lookup(p.Type); ok {
		return k.New()
	}
	return nil
}

// Slack configures the Slack adapter. It is enabled when any key is set.
type Slack struct {
	BotToken Secret `yaml:"bot_token" json:"bot_token,omitempty"`
	// AppToken selects Socket Mode.
	AppToken Secret `yaml:"app_token" json:"app_token,omitempty"`
	// SigningSecret enables the HTTP Events/Interactivity endpoints.
	SigningSecret    Secret `yaml:"signing_secret" json:"signing_secret,omitempty"`
	ApprovalsChannel string `yaml:"approvals_channel" json:"approvals_channel,omitempty"`
	// APIURL overrides the Web API base URL (tests, proxies).
	APIURL string `yaml:"api_url" json:"api_url,omitempty"`
}

// Enabled reports whether any Slack key is set.
func (s Slack) Enabled() bool { return s != Slack{} }

// Discord configures the Discord adapter. It is enabled when any key is set.
type Discord struct {
	Token   Secret `yaml:"token" json:"token,omitempty"`
	AppID   string `yaml:"app_id" json:"app_id,omitempty"`
	GuildID string `yaml:"guild_id" json:"guild_id,omitempty"`
	// PublicKey (hex Ed25519) selects HTTP interactions mode instead of the
	// gateway. Not a secret, but public_key_file is accepted too.
	PublicKey        string `yaml:"public_key" json:"public_key,omitempty" config:"file"`
	ApprovalsChannel string `yaml:"approvals_channel" json:"approvals_channel,omitempty"`
	// APIURL overrides the REST API base URL (tests, proxies).
	APIURL string `yaml:"api_url" json:"api_url,omitempty"`
}

// Enabled reports whether any Discord key is set.
func (d Discord) Enabled() bool { return d != Discord{} }

// MCP configures the MCP server.
type MCP struct {
	// Principal is the identity of the stdio client (default mcp:local).
	Principal string `yaml:"principal" json:"principal"`
	// Tokens are the bearer tokens accepted in HTTP mode; the token's name
	// makes the principal mcp:<name>.
	Tokens []MCPToken `yaml:"tokens" json:"tokens,omitempty"`
	// HTTP is the host:port of the streamable HTTP listener; empty means
	// stdio. The --http flag overrides it.
	HTTP string `yaml:"http" json:"http,omitempty"`
	// ReadOnly offers only the tools that change nothing, to every client
	// (as --read-only does).
	ReadOnly bool `yaml:"read_only" json:"read_only,omitempty"`
	// DisableDestructive withholds the destructive tools (delete,
	// reinstall, poweroff, reset) from every client (as
	// --disable-destructive does).
	DisableDestructive bool `yaml:"disable_destructive" json:"disable_destructive,omitempty"`
	// StateKey seals the confirm states handed to MCP clients, so that a
	// client cannot forge one. Optional; at least 16 bytes.
	StateKey Secret `yaml:"state_key" json:"state_key,omitempty"`
}

// MCPToken is one accepted bearer token, stored as the hex SHA-256 of the
// token so that the configuration does not hold the token itself.
type MCPToken struct {
	Name   string `yaml:"name" json:"name"`
	SHA256 string `yaml:"sha256" json:"sha256"`
}

// Log configures log/slog output on stderr.
type Log struct {
	Format string `yaml:"format" json:"format"` // text (default) | json
	Level  string `yaml:"level" json:"level"`   // debug | info (default) | warn | error
}

// Demo configures the simulated demo provider.
type Demo struct {
	// Speed scales simulated operation times: 2 is twice as fast (default 1).
	Speed float64 `yaml:"speed" json:"speed"`
}

// Default returns the configuration used when no file is given: database
// ./vpsops.db, embedded policy, approvals expiring after 30 minutes, two demo
// providers demo-fra and demo-nyc, no Slack or Discord, MCP stdio principal
// mcp:local. Each call returns a fresh value the caller may modify.
func Default() *Config {
	return &Config{
		Database:  "./vpsops.db",
		Audit:     Audit{Synchronous: "NORMAL"},
		Approvals: Approvals{TTL: Duration(30 * time.Minute), ConfirmTTL: Duration(5 * time.Minute)},
		Providers: []Provider{
			{Name: "demo-fra", Type: TypeDemo, Settings: &demo.Settings{}},
			{Name: "demo-nyc", Type: TypeDemo, Settings: &demo.Settings{}},
		},
		MCP:  MCP{Principal: "mcp:local"},
		Log:  Log{Format: "text", Level: "info"},
		Demo: Demo{Speed: 1},
	}
}

// Resolve returns the configuration file to load: flagValue (from --config)
// when set, else the VPSOPS_CONFIG environment variable, else "" (meaning
// Default). getenv is os.Getenv in production.
func Resolve(flagValue string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	return getenv(EnvVar)
}

// Size limits: a configuration or a secret file larger than this is a
// mistake (a wrong path such as /dev/zero), not something to read whole.
const (
	maxConfigSize = 1 << 20
	maxSecretSize = 64 << 10
)

// Load reads and validates the configuration file at path, expanding
// variables from the process environment and reading *_file secrets from
// the file system. An empty path returns Default().
//
// Every error Load returns is a *Error; callers print it and exit with
// status ExitCode (2).
func Load(path string) (*Config, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := readLimited(path, maxConfigSize)
	if err != nil {
		return nil, &Error{File: path, Problems: []*FieldError{{Msg: "cannot read configuration file", Err: err}}}
	}
	cfg, err := Parse(data, os.LookupEnv, func(p string) ([]byte, error) {
		return readLimited(p, maxSecretSize)
	})
	var ce *Error
	if errors.As(err, &ce) {
		ce.File = path
	}
	return cfg, err
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return data, nil
}
