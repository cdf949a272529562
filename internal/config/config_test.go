package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/kinds"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
)

func TestDefault(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if c.Database != "./vpsops.db" {
		t.Errorf("Database = %q", c.Database)
	}
	if c.Policy != (Policy{}) {
		t.Errorf("Policy = %+v, want embedded (empty)", c.Policy)
	}
	if c.Approvals.TTL.Duration() != 30*time.Minute {
		t.Errorf("Approvals.TTL = %v", c.Approvals.TTL)
	}
	want := []Provider{{Name: "demo-fra", Type: TypeDemo, Settings: &demo.Settings{}}, {Name: "demo-nyc", Type: TypeDemo, Settings: &demo.Settings{}}}
	if !reflect.DeepEqual(c.Providers, want) {
		t.Errorf("Providers = %+v", c.Providers)
	}
	if c.Slack.Enabled() || c.Discord.Enabled() {
		t.Errorf("chat adapters enabled by default: %+v %+v", c.Slack, c.Discord)
	}
	if c.MCP.Principal != "mcp:local" {
		t.Errorf("MCP.Principal = %q", c.MCP.Principal)
	}
	if c.Audit.Synchronous != "NORMAL" || c.Log.Format != "text" || c.Demo.Speed != 1 {
		t.Errorf("Audit/Log/Demo = %+v %+v %+v", c.Audit, c.Log, c.Demo)
	}
	// Each call is independent.
	c.Providers[0].Name = "changed"
	if Default().Providers[0].Name != "demo-fra" {
		t.Error("Default shares state between calls")
	}
}

func TestEmptyDocumentIsDefault(t *testing.T) {
	for _, doc := range []string{"", "# only a comment\n", "~\n", "---\n"} {
		cfg := mustParse(t, doc, nil)
		cfg.lines = nil
		if !reflect.DeepEqual(cfg, Default()) {
			t.Errorf("Parse(%q) = %+v, want Default()", doc, cfg)
		}
	}
}

func TestResolve(t *testing.T) {
	env := func(v string) func(string) string {
		return func(name string) string {
			if name == EnvVar {
				return v
			}
			return ""
		}
	}
	tests := []struct{ flag, env, want string }{
		{"a.yaml", "b.yaml", "a.yaml"},
		{"", "b.yaml", "b.yaml"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Resolve(tt.flag, env(tt.env)); got != tt.want {
			t.Errorf("Resolve(%q, env=%q) = %q, want %q", tt.flag, tt.env, got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "key")
	if err := os.WriteFile(secret, []byte("0123456789abcdef0123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VPSOPS_TEST_DB", filepath.Join(dir, "x.db"))
	path := filepath.Join(dir, "vpsops.yaml")
	doc := "database: ${VPSOPS_TEST_DB}\naudit: {hmac_key_file: " + secret + "}\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Database != filepath.Join(dir, "x.db") || cfg.Audit.HMACKey.Reveal() != "0123456789abcdef0123" {
		t.Errorf("Load = database %q, hmac_key len %d", cfg.Database, len(cfg.Audit.HMACKey.Reveal()))
	}

	cfg, err = Load("")
	if err != nil || cfg.Providers[0].Name != "demo-fra" {
		t.Errorf(`Load("") = %v, %v; want Default()`, cfg, err)
	}
}

func TestLoadErrorsAreConfigErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", maxConfigSize)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("approvals: {ttl: 0s}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	for _, path := range []string{missing, big, bad} {
		_, err := Load(path)
		var ce *Error
		if !errors.As(err, &ce) || ce.File != path {
			t.Errorf("Load(%s) error = %v (%T), want *Error with File set", path, err, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "config "+path+": ") {
			t.Errorf("Load(%s) error %q does not name the file", path, err)
		}
	}
	if _, err := Load(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want fs.ErrNotExist in chain", err)
	}
	_, err := Load(bad)
	p := wantProblem(t, err, "approvals.ttl", "more than 0")
	if p.Line != 1 {
		t.Errorf("approvals.ttl problem line = %d, want 1", p.Line)
	}
}

// exampleEnv is what example.yaml and the SPEC example reference.
func exampleEnv() map[string]string {
	return map[string]string{
		"VPSOPS_AUDIT_KEY":     "audit-key-0123456789-abcdef",
		"EDIS_EMAIL":           "ops@example.com",
		"EDIS_PASSWORD":        "edis-pw-hunter2",
		"GLESYS_API_KEY":       "glesys-key-7f3a21",
		"CYBERPANEL_API_KEY":   "cyp_live_abcdef",
		"VPSBG_TOKEN":          "vpsbg-token-99",
		"VPSBG_READ_TOKEN":     "vpsbg-read-token-42",
		"SUBLE_TOKEN":          "suble-token-42",
		"SLACK_BOT_TOKEN":      "xoxb-slack-bot-1",
		"SLACK_APP_TOKEN":      "xapp-slack-app-1",
		"SLACK_SIGNING_SECRET": "slack-signing-1",
		"DISCORD_TOKEN":        "discord-token-1",
		"DISCORD_PUBLIC_KEY":   strings.Repeat("ab", 32),
		"VPSOPS_MCP_STATE_KEY": "mcp-state-key-0123456789",
	}
}

func TestExampleFile(t *testing.T) {
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data, envOf(exampleEnv()), filesOf(nil))
	if err != nil {
		t.Fatalf("example.yaml: %v", err)
	}
	if s, ok := cfg.Providers[4].Settings.(*suble.Settings); len(cfg.Providers) != 6 || !ok || s.Project != "main" {
		t.Errorf("providers = %+v (suble project should come from the ${SUBLE_PROJECT:-main} default)", cfg.Providers)
	}
	// "Every key": each YAML key of Config appears in the example.
	set := map[string]bool{}
	for key := range cfg.lines {
		set[listIndex.ReplaceAllString(key, "[*]")] = true
	}
	for _, key := range allKeys(reflect.TypeFor[Config](), "") {
		if !set[key] {
			t.Errorf("example.yaml does not set %s", key)
		}
	}
}

var listIndex = regexp.MustCompile(`\[[0-9]+\]`)

// allKeys lists the key paths of t, with [*] for list elements; a
// provider entry has the keys of every type's settings.
func allKeys(t reflect.Type, prefix string) []string {
	var keys []string
	if t == providerType {
		for _, k := range kinds.All() {
			keys = append(keys, allKeys(reflect.TypeOf(k.New()).Elem(), prefix)...)
		}
	}
	for name, f := range fieldsOf(t) {
		key := joinKey(prefix, name)
		ft := t.Field(f.index).Type
		switch {
		case ft.Kind() == reflect.Struct:
			keys = append(keys, allKeys(ft, key)...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			keys = append(keys, allKeys(ft.Elem(), key+"[*]")...)
		default:
			keys = append(keys, key)
		}
	}
	return keys
}

// specExample is SPEC §9 with its "..." placeholders filled in.
const specExample = `
database: ./vpsops.db                 # SQLite file: audit + approvals
policy: {model: ./model.conf, policy: ./policy.csv}   # default: embedded copies
audit: {hmac_key: ${VPSOPS_AUDIT_KEY}}
approvals: {ttl: 30m}
http: {listen: 127.0.0.1:8080}        # Slack/Discord HTTP endpoints, /healthz
providers:
  - {name: edis-fra, type: edis, email: ${EDIS_EMAIL}, password: ${EDIS_PASSWORD},
     session_url: https://session.example, order_url: https://order.example, api_scheme: https}
  - {name: glesys, type: glesys, project: cl12345, api_key: ${GLESYS_API_KEY}, base_url: https://api.glesys.com}
  - {name: cp, type: cyberpanel, api_key: ${CYBERPANEL_API_KEY}, base_url: https://platform.cyberpersons.com/api/v1}
  - {name: bg, type: vpsbg, token: ${VPSBG_TOKEN}, base_url: https://api.vpsbg.eu/v1}
  - {name: suble, type: suble, project: p1, token: ${SUBLE_TOKEN}, base_url: https://api.suble.io}
  - {name: demo-fra, type: demo}
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}             # Socket Mode
  signing_secret: ${SLACK_SIGNING_SECRET}   # HTTP mode
  approvals_channel: C0123456789
  api_url: http://127.0.0.1:9000/api/
discord:
  token: ${DISCORD_TOKEN}
  app_id: "123"
  guild_id: "456"
  public_key: ${DISCORD_PUBLIC_KEY}
  approvals_channel: "789"
  api_url: http://127.0.0.1:9001/api/v10
mcp:
  principal: mcp:local                      # stdio principal
  tokens: [{name: claude-laptop, sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08}]
`

func TestSpecExample(t *testing.T) {
	env := exampleEnv()
	cfg := mustParse(t, specExample, env)
	want := &Config{
		Database:  "./vpsops.db",
		Policy:    Policy{Model: "./model.conf", Policy: "./policy.csv"},
		Audit:     Audit{HMACKey: Secret(env["VPSOPS_AUDIT_KEY"]), Synchronous: "NORMAL"},
		Approvals: Approvals{TTL: Duration(30 * time.Minute), ConfirmTTL: Duration(5 * time.Minute)},
		HTTP:      HTTP{Listen: "127.0.0.1:8080"},
		Providers: []Provider{
			{Name: "edis-fra", Type: "edis", Settings: &edis.Settings{Email: "ops@example.com", Password: Secret(env["EDIS_PASSWORD"]),
				SessionURL: "https://session.example", OrderURL: "https://order.example", APIScheme: "https"}},
			{Name: "glesys", Type: "glesys", Settings: &glesys.Settings{Project: "cl12345", APIKey: Secret(env["GLESYS_API_KEY"]), BaseURL: "https://api.glesys.com"}},
			{Name: "cp", Type: "cyberpanel", Settings: &cyberpanel.Settings{APIKey: Secret(env["CYBERPANEL_API_KEY"]), BaseURL: "https://platform.cyberpersons.com/api/v1"}},
			{Name: "bg", Type: "vpsbg", Settings: &vpsbg.Settings{Token: Secret(env["VPSBG_TOKEN"]), BaseURL: "https://api.vpsbg.eu/v1"}},
			{Name: "suble", Type: "suble", Settings: &suble.Settings{Project: "p1", Token: Secret(env["SUBLE_TOKEN"]), BaseURL: "https://api.suble.io"}},
			{Name: "demo-fra", Type: TypeDemo, Settings: &demo.Settings{}},
		},
		Slack: Slack{BotToken: Secret(env["SLACK_BOT_TOKEN"]), AppToken: Secret(env["SLACK_APP_TOKEN"]),
			SigningSecret: Secret(env["SLACK_SIGNING_SECRET"]), ApprovalsChannel: "C0123456789", APIURL: "http://127.0.0.1:9000/api/"},
		Discord: Discord{Token: Secret(env["DISCORD_TOKEN"]), AppID: "123", GuildID: "456",
			PublicKey: env["DISCORD_PUBLIC_KEY"], ApprovalsChannel: "789", APIURL: "http://127.0.0.1:9001/api/v10"},
		MCP: MCP{Principal: "mcp:local", Tokens: []MCPToken{{Name: "claude-laptop",
			SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}},
		Log:  Log{Format: "text", Level: "info"},
		Demo: Demo{Speed: 1},
	}
	cfg.lines = nil
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Parse(SPEC §9) =\n%#v\nwant\n%#v", *cfg, *want) // secrets print redacted
		for i := range want.Providers {
			if i < len(cfg.Providers) && !reflect.DeepEqual(cfg.Providers[i], want.Providers[i]) {
				t.Errorf("providers[%d] differs", i)
			}
		}
	}
}
