package config

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/edis"
)

func TestParseMissingEnvVar(t *testing.T) {
	doc := "providers:\n  - name: g\n    type: glesys\n    project: cl1\n    api_key: ${GLESYS_KEY}\n"
	_, err := Parse([]byte(doc), envOf(nil), filesOf(nil))
	p := wantProblem(t, err, "providers[0].api_key", "environment variable GLESYS_KEY is not set")
	if p.Line != 5 {
		t.Errorf("line = %d, want 5", p.Line)
	}
}

func TestParseEnvDefault(t *testing.T) {
	doc := "database: ${DB:-/var/lib/vpsops.db}\napprovals: {ttl: '${TTL:-45m}'}\ndemo: {speed: ${SPEED:-2.5}}\n"
	cfg := mustParse(t, doc, nil)
	if cfg.Database != "/var/lib/vpsops.db" || cfg.Approvals.TTL.Duration() != 45*time.Minute || cfg.Demo.Speed != 2.5 {
		t.Errorf("got database %q ttl %v speed %v", cfg.Database, cfg.Approvals.TTL, cfg.Demo.Speed)
	}
	cfg = mustParse(t, doc, map[string]string{"DB": "x.db", "TTL": "90s", "SPEED": "4"})
	if cfg.Database != "x.db" || cfg.Approvals.TTL.Duration() != 90*time.Second || cfg.Demo.Speed != 4 {
		t.Errorf("got database %q ttl %v speed %v", cfg.Database, cfg.Approvals.TTL, cfg.Demo.Speed)
	}
}

// A value from the environment is one string, whatever it contains: it is
// never parsed as YAML, rescanned for references, or resolved to null/bool.
func TestParseEnvValueIsVerbatim(t *testing.T) {
	for _, secret := range []string{
		"x\nproviders: []\nslack: {bot_token: evil}",
		"}, {name: evil, type: demo",
		"${OTHER}", "$$", "null", "~", "true", "2001-12-14", "0x1F", " padded ",
	} {
		doc := "providers:\n  - {name: e, type: edis, email: a@b.c, password: ${PW}}\n"
		cfg := mustParse(t, doc, map[string]string{"PW": secret, "OTHER": "other"})
		if len(cfg.Providers) != 1 || cfg.Slack.Enabled() {
			t.Fatalf("value %q changed the structure: %+v", secret, cfg)
		}
		if got := cfg.Providers[0].Settings.(*edis.Settings).Password.Reveal(); got != secret {
			t.Errorf("password = %q, want %q", got, secret)
		}
	}
	_, err := Parse([]byte("providers: [{name: e, type: edis, email: a@b.c, password: '${PW}'}]"), envOf(map[string]string{"PW": ""}), filesOf(nil))
	wantProblem(t, err, "providers[0].password", "required for type edis")
}

func TestParseSecretFile(t *testing.T) {
	files := map[string]string{
		"/run/secrets/pw":   "file-password\n",
		"/run/secrets/crlf": "crlf-password\r\n",
		"/run/secrets/two":  "two-newlines\n\n",
		"/etc/hk":           "hmac-key-from-file-0123456789\n",
		"/etc/pub":          strings.Repeat("0f", 32) + "\n",
	}
	doc := `
audit: {hmac_key_file: /etc/hk}
http: {listen: ":8080"}
providers:
  - {name: a, type: edis, email: a@b.c, password_file: /run/secrets/pw}
  - {name: b, type: edis, email: a@b.c, password_file: /run/secrets/crlf}
  - {name: c, type: edis, email: a@b.c, password_file: "${SECRETS:-/run/secrets}/two"}
discord: {token_file: /run/secrets/pw, app_id: "1", public_key_file: /etc/pub}
`
	cfg, err := Parse([]byte(doc), envOf(nil), filesOf(files))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"file-password", "crlf-password", "two-newlines\n"} {
		if got := cfg.Providers[i].Settings.(*edis.Settings).Password.Reveal(); got != want {
			t.Errorf("providers[%d].password = %q, want %q", i, got, want)
		}
	}
	if cfg.Audit.HMACKey.Reveal() != "hmac-key-from-file-0123456789" ||
		cfg.Discord.Token.Reveal() != "file-password" || cfg.Discord.PublicKey != strings.Repeat("0f", 32) {
		t.Errorf("audit/discord from files: %q %q %q", cfg.Audit.HMACKey.Reveal(), cfg.Discord.Token.Reveal(), cfg.Discord.PublicKey)
	}
}

func TestParseSecretFileErrors(t *testing.T) {
	tests := []struct {
		name, doc, key, msg string
	}{
		{"both set", "audit: {hmac_key: 0123456789abcdef0, hmac_key_file: /k}", "audit.hmac_key", "both hmac_key and hmac_key_file are set"},
		{"both set, file first", "slack:\n  bot_token_file: /k\n  bot_token: xoxb-1\n  app_token: xapp-1", "slack.bot_token", "both bot_token and bot_token_file"},
		{"missing file", "audit: {hmac_key_file: /nope}", "audit.hmac_key_file", "cannot read secret file"},
		{"empty path", "audit: {hmac_key_file: ''}", "audit.hmac_key_file", "needs a file path"},
		{"null path", "audit: {hmac_key_file: }", "audit.hmac_key_file", "needs a file path"},
		{"unset var in path", "audit: {hmac_key_file: ${DIR}/k}", "audit.hmac_key_file", "DIR is not set"},
		{"not a secret key", "database_file: /k", "database_file", "unknown key"},
		{"file twice", "audit: {hmac_key_file: /k, hmac_key_file: /k}", "audit.hmac_key_file", "duplicate key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), envOf(nil), filesOf(map[string]string{"/k": "0123456789abcdef0123"}))
			wantProblem(t, err, tt.key, tt.msg)
		})
	}
}

func TestParseStructureErrors(t *testing.T) {
	tests := []struct {
		name, doc, key, msg string
		line                int
	}{
		{"unknown top-level key", "database: x.db\ndatabse: y.db\n", "databse", `unknown key; did you mean "database"?`, 2},
		{"unknown nested key", "providers:\n  - name: a\n    type: edis\n    email: a@b.c\n    pasword: x\n", "providers[0].pasword", `did you mean "password"?`, 5},
		{"unknown key far from any", "zzzzzzzz: 1\n", "zzzzzzzz", "unknown key", 1},
		{"duplicate key", "database: a\ndatabase: b\n", "database", "duplicate key (first set on line 1)", 2},
		{"duplicate alias", "aliases:\n  w: demo-fra/1\n  w: demo-fra/2\n", "aliases.w", "duplicate key", 3},
		{"list for string", "database: [a, b]\n", "database", "expected a single value, found a list", 1},
		{"string for list", "providers: demo\n", "providers", "expected a list", 1},
		{"string for mapping", "slack: yes\n", "slack", "expected a mapping", 1},
		{"bad duration", "approvals:\n  ttl: 30\n", "approvals.ttl", "not a duration", 2},
		{"bad number", "demo: {speed: fast}\n", "demo.speed", "not a number", 1},
		{"alias", "database: &d x.db\npolicy: {model: *d}\n", "policy.model", "aliases", 2},
		{"merge key", "slack: &s {bot_token: xoxb-1}\ndiscord:\n  <<: *s\n", "discord", "merge keys", 3},
		{"custom tag", "database: !secret x\n", "database", "unsupported YAML tag", 1},
		{"binary tag", "database: !!binary eA==\n", "database", "unsupported YAML tag", 1},
		{"non-string key", "aliases: {[a]: b}\n", "aliases", "keys must be plain strings", 1},
		{"odd key is quoted in path", "\"a b\": 1\n", `["a b"]`, "unknown key", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), envOf(nil), filesOf(nil))
			p := wantProblem(t, err, tt.key, tt.msg)
			if p.Line != tt.line {
				t.Errorf("line = %d, want %d", p.Line, tt.line)
			}
			if !strings.Contains(err.Error(), "(line ") {
				t.Errorf("message %q does not give the line", err)
			}
		})
	}
}

func TestParseDocumentErrors(t *testing.T) {
	for _, doc := range []string{"a: [\n", "database: x\n---\ndatabase: y\n", "\t- x"} {
		_, err := Parse([]byte(doc), envOf(nil), filesOf(nil))
		wantProblem(t, err, "", "invalid YAML")
	}
}

func TestParseCollectsAllProblems(t *testing.T) {
	doc := "databse: x\napprovals: {ttl: 48h}\nlog: {format: xml}\nproviders: [{name: A, type: nope}]\n"
	_, err := Parse([]byte(doc), envOf(nil), filesOf(nil))
	ps := problemsOf(t, err)
	if len(ps) != 5 {
		t.Errorf("got %d problems, want 5:\n%v", len(ps), err)
	}
	if !strings.Contains(err.Error(), "5 problems:\n  ") {
		t.Errorf("message %q does not list the problems", err)
	}
}

func TestParseNullKeepsDefault(t *testing.T) {
	cfg := mustParse(t, "database:\nproviders: ~\nmcp: {principal: null}\napprovals:\n", nil)
	if cfg.Database != "./vpsops.db" || len(cfg.Providers) != 2 || cfg.MCP.Principal != "mcp:local" {
		t.Errorf("null did not keep defaults: %+v", cfg)
	}
}

func TestParseReplacesListsAndKeepsOtherDefaults(t *testing.T) {
	cfg := mustParse(t, "providers: [{name: only, type: demo}]\napprovals: {ttl: 1h}\n", nil)
	if len(cfg.Providers) != 1 || cfg.Providers[0].Name != "only" {
		t.Errorf("providers = %+v", cfg.Providers)
	}
	if cfg.Approvals.TTL.Duration() != time.Hour || cfg.Approvals.ConfirmTTL.Duration() != 5*time.Minute {
		t.Errorf("approvals = %+v", cfg.Approvals)
	}
}

func TestParseScalarsAsStrings(t *testing.T) {
	// Unquoted numbers keep their exact text in string keys: a Discord id
	// must not go through float64.
	cfg := mustParse(t, "discord: {token: t, app_id: 12345678901234567890, guild_id: 0012}\nlog: {format: JSON, level: WARN}\naudit: {synchronous: full}\n", nil)
	if cfg.Discord.AppID != "12345678901234567890" || cfg.Discord.GuildID != "0012" {
		t.Errorf("ids = %q %q", cfg.Discord.AppID, cfg.Discord.GuildID)
	}
	if cfg.Log.Format != "json" || cfg.Log.Level != "warn" || cfg.Audit.Synchronous != "FULL" {
		t.Errorf("normalized = %+v %+v", cfg.Log, cfg.Audit)
	}
}

func TestParseMCP(t *testing.T) {
	doc := `mcp:
  http: ${MCP_ADDR:-127.0.0.1:8080}
  read_only: True
  disable_destructive: ${NO_DESTRUCTIVE}
  state_key_file: /run/secrets/state
  tokens: [{name: ci-bot, sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08}]
`
	cfg, err := Parse([]byte(doc), envOf(map[string]string{"NO_DESTRUCTIVE": "true"}),
		filesOf(map[string]string{"/run/secrets/state": "state-key-0123456789\n"}))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.MCP
	if m.HTTP != "127.0.0.1:8080" || !m.ReadOnly || !m.DisableDestructive || m.StateKey.Reveal() != "state-key-0123456789" {
		t.Errorf("mcp = http %q read_only %v disable_destructive %v state_key len %d",
			m.HTTP, m.ReadOnly, m.DisableDestructive, len(m.StateKey.Reveal()))
	}
	// The hash is kept as HashToken writes it, whatever case the file used.
	if m.Tokens[0].SHA256 != "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" {
		t.Errorf("sha256 = %q, want lowercase", m.Tokens[0].SHA256)
	}
	if d := Default().MCP; d.ReadOnly || d.DisableDestructive || d.HTTP != "" || d.StateKey.IsSet() {
		t.Errorf("default MCP = %+v, want stdio with every tool", d)
	}
}

// Only YAML 1.2's true and false are booleans: "no" must not quietly mean
// false for a switch that withholds destructive tools.
func TestParseMCPErrors(t *testing.T) {
	tests := []struct{ doc, key, msg string }{
		{"mcp: {read_only: yes}\n", "mcp.read_only", "must be true or false"},
		{"mcp: {disable_destructive: 1}\n", "mcp.disable_destructive", "must be true or false"},
		{"mcp: {read_only: 'off'}\n", "mcp.read_only", "must be true or false"},
		{"mcp: {read_only: [true]}\n", "mcp.read_only", "expected a single value"},
		{"mcp: {read_only: ${UNSET}}\n", "mcp.read_only", "UNSET is not set"},
		{"mcp: {read_only_file: /x}\n", "mcp.read_only_file", "unknown key"},
		{"mcp: {state_key: short}\n", "mcp.state_key", "at least 16 bytes"},
		{"mcp: {http: localhost}\n", "mcp.http", "host:port"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.doc), envOf(nil), filesOf(nil))
		if p := wantProblem(t, err, tt.key, tt.msg); p.Line != 1 {
			t.Errorf("%s: line %d, want 1", tt.key, p.Line)
		}
	}
}
