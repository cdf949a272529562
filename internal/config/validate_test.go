package config

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
)

// validBase returns a valid config using every section.
func validBase() *Config {
	c := Default()
	c.HTTP.Listen = "127.0.0.1:8080"
	c.Audit.HMACKey = "0123456789abcdef"
	c.Providers = []Provider{
		{Name: "demo-fra", Type: TypeDemo, Settings: &demo.Settings{Speed: 2}},
		{Name: "edis-fra", Type: "edis", Timeout: Duration(time.Minute), Settings: &edis.Settings{Email: "a@b.c", Password: "pw", KVMIDs: []string{"kvm_1_2"},
			SessionURL: "https://s.example", OrderURL: "http://127.0.0.1:1/", APIScheme: "http"}},
		{Name: "glesys", Type: "glesys", Settings: &glesys.Settings{Project: "cl1", APIKey: "k", BaseURL: "https://api.glesys.com"}},
		{Name: "cp", Type: "cyberpanel", Settings: &cyberpanel.Settings{APIKey: "k"}},
		{Name: "bg", Type: "vpsbg", Settings: &vpsbg.Settings{Token: "t"}},
		{Name: "suble", Type: "suble", Settings: &suble.Settings{Project: "p", Token: "t"}},
		{Name: "suble-2", Type: "suble", Settings: &suble.Settings{Project: "p", Email: "a@b.c", Password: "pw"}},
	}
	c.Aliases = map[string]string{"web": "demo-fra/srv-1", "db.example.com": "glesys/wps1"}
	c.Slack = Slack{BotToken: "xoxb-1", AppToken: "xapp-1", SigningSecret: "s", ApprovalsChannel: "C1", APIURL: "http://127.0.0.1:9000/api/"}
	c.Discord = Discord{Token: "t", AppID: "1", GuildID: "2", PublicKey: strings.Repeat("a", 64), ApprovalsChannel: "3"}
	c.MCP.Tokens = []MCPToken{{Name: "claude-laptop", SHA256: strings.Repeat("0", 64)}, {Name: "ci", SHA256: strings.Repeat("f", 64)}}
	c.MCP.HTTP = "127.0.0.1:8081"
	c.MCP.ReadOnly, c.MCP.DisableDestructive = true, true
	c.MCP.StateKey = "0123456789abcdef"
	return c
}

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
	}{
		{"base", func(*Config) {}},
		{"default", func(c *Config) { *c = *Default() }},
		{"slack socket mode only", func(c *Config) { c.Slack.SigningSecret = ""; c.HTTP.Listen = ""; c.Discord = Discord{} }},
		{"slack http mode", func(c *Config) { c.Slack.AppToken = "" }},
		{"discord gateway", func(c *Config) { c.Discord = Discord{Token: "t", AppID: "1"}; c.HTTP.Listen = ""; c.Slack = Slack{} }},
		{"listen any port", func(c *Config) { c.HTTP.Listen = ":0" }},
		{"ttl 24h", func(c *Config) { c.Approvals.TTL = Duration(24 * time.Hour) }},
		{"policy files", func(c *Config) { c.Policy = Policy{Model: "m.conf", Policy: "p.csv"} }},
		{"no hmac key", func(c *Config) { c.Audit.HMACKey = "" }},
		{"mcp stdio only", func(c *Config) { c.MCP = MCP{Principal: "mcp:local"} }},
		{"mcp token name longest", func(c *Config) { c.MCP.Tokens[0].Name = strings.Repeat("a", 63) }},
		{"mcp token name digits, _ and -", func(c *Config) { c.MCP.Tokens[0].Name = "0ci_bot-2" }},
		{"mcp http any port", func(c *Config) { c.MCP.HTTP = ":0" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validBase()
			tt.mutate(c)
			if err := c.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		key    string
		msg    string
	}{
		{"database empty", func(c *Config) { c.Database = " " }, "database", "must name"},
		{"hmac key short", func(c *Config) { c.Audit.HMACKey = "short" }, "audit.hmac_key", "at least 16 bytes"},
		{"synchronous", func(c *Config) { c.Audit.Synchronous = "OFF" }, "audit.synchronous", "NORMAL or FULL"},
		{"ttl zero", func(c *Config) { c.Approvals.TTL = 0 }, "approvals.ttl", "more than 0"},
		{"ttl negative", func(c *Config) { c.Approvals.TTL = -1 }, "approvals.ttl", "more than 0"},
		{"ttl too long", func(c *Config) { c.Approvals.TTL = Duration(25 * time.Hour) }, "approvals.ttl", "at most 24h"},
		{"confirm ttl", func(c *Config) { c.Approvals.ConfirmTTL = 0 }, "approvals.confirm_ttl", "more than 0"},
		{"listen no port", func(c *Config) { c.HTTP.Listen = "localhost" }, "http.listen", "host:port"},
		{"listen bad port", func(c *Config) { c.HTTP.Listen = "localhost:99999" }, "http.listen", "host:port"},
		{"no providers", func(c *Config) { c.Providers = nil; c.Aliases = nil }, "providers", "at least one"},
		{"name missing", func(c *Config) { c.Providers[3].Name = "" }, "providers[3].name", "required"},
		{"name uppercase", func(c *Config) { c.Providers[3].Name = "Demo" }, "providers[3].name", "lowercase"},
		{"name leading dash", func(c *Config) { c.Providers[3].Name = "-demo" }, "providers[3].name", "lowercase"},
		{"name too long", func(c *Config) { c.Providers[3].Name = strings.Repeat("a", 33) }, "providers[3].name", "1-32"},
		{"name slash", func(c *Config) { c.Providers[3].Name = "a/b" }, "providers[3].name", "lowercase"},
		{"name duplicate", func(c *Config) { c.Providers[3].Name = "glesys" }, "providers[3].name", "duplicate of providers[2].name"},
		{"type missing", func(c *Config) { c.Providers[0].Type = "" }, "providers[0].type", "required: one of cyberpanel, demo, edis"},
		{"type unknown", func(c *Config) { c.Providers[0].Type = "aws" }, "providers[0].type", "unknown provider type"},
		{"edis email", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).Email = "" }, "providers[1].email", "required for type edis"},
		{"edis password", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).Password = "" }, "providers[1].password", "required for type edis"},
		{"edis bad email", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).Email = "ops" }, "providers[1].email", "email address"},
		{"edis api_scheme", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).APIScheme = "ftp" }, "providers[1].api_scheme", "http or https"},
		{"edis session_url scheme", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).SessionURL = "ftp://x" }, "providers[1].session_url", "https"},
		{"plain http to a remote API", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).SessionURL = "http://session.edisglobal.com" }, "providers[1].session_url", "plain http only to 127.0.0.1"},
		{"edis order_url relative", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).OrderURL = "/order" }, "providers[1].order_url", "absolute http(s) URL"},
		{"url unparsable", func(c *Config) { c.Providers[2].Settings.(*glesys.Settings).BaseURL = "http://[::1" }, "providers[2].base_url", "absolute http(s) URL"},
		{"url credentials", func(c *Config) { c.Providers[2].Settings.(*glesys.Settings).BaseURL = "https://u:p@api.glesys.com" }, "providers[2].base_url", "credentials"},
		{"kvm id empty", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).KVMIDs = []string{"kvm_1", ""} }, "providers[1].kvm_ids[1]", "non-empty"},
		{"kvm id duplicate", func(c *Config) { c.Providers[1].Settings.(*edis.Settings).KVMIDs = []string{"k", "k"} }, "providers[1].kvm_ids[1]", "duplicate of providers[1].kvm_ids[0]"},
		{"glesys project", func(c *Config) { c.Providers[2].Settings.(*glesys.Settings).Project = "" }, "providers[2].project", "required for type glesys"},
		{"glesys api_key", func(c *Config) { c.Providers[2].Settings.(*glesys.Settings).APIKey = "" }, "providers[2].api_key", "required for type glesys"},
		{"cyberpanel api_key", func(c *Config) { c.Providers[3].Settings.(*cyberpanel.Settings).APIKey = "" }, "providers[3].api_key", "required for type cyberpanel"},
		{"vpsbg token", func(c *Config) { c.Providers[4].Settings.(*vpsbg.Settings).Token = "" }, "providers[4].token", "required for type vpsbg"},
		{"suble token without project", func(c *Config) { c.Providers[5].Settings.(*suble.Settings).Project = "" }, "providers[5].project", "required for type suble"},
		{"suble email without password", func(c *Config) { c.Providers[6].Settings.(*suble.Settings).Password = "" }, "providers[6].password", "required for type suble"},
		{"suble no credentials", func(c *Config) { c.Providers[5].Settings.(*suble.Settings).Token = "" }, "providers[5].token", "required for type suble"},
		{"suble email login without project", func(c *Config) { c.Providers[6].Settings.(*suble.Settings).Project = "" }, "providers[6].project", "required for type suble"},
		{"suble both logins", func(c *Config) {
			c.Providers[5].Settings.(*suble.Settings).Email, c.Providers[5].Settings.(*suble.Settings).Password = "a@b.c", "pw"
		}, "providers[5].token", "not both"},
		{"speed negative", func(c *Config) { c.Providers[0].Settings.(*demo.Settings).Speed = -1 }, "providers[0].speed", "positive"},
		{"speed NaN", func(c *Config) { c.Providers[0].Settings.(*demo.Settings).Speed = math.NaN() }, "providers[0].speed", "positive"},
		{"timeout negative", func(c *Config) { c.Providers[1].Timeout = -1 }, "providers[1].timeout", "between 0"},
		{"timeout too long", func(c *Config) { c.Providers[1].Timeout = Duration(time.Hour) }, "providers[1].timeout", "10m"},
		{"alias no slash", func(c *Config) { c.Aliases["web"] = "demo-fra" }, "aliases.web", "provider/id"},
		{"alias empty id", func(c *Config) { c.Aliases["web"] = "demo-fra/" }, "aliases.web", "provider/id"},
		{"alias unknown provider", func(c *Config) { c.Aliases["web"] = "nope/1" }, "aliases.web", "not configured"},
		{"alias bad name", func(c *Config) { c.Aliases["a b"] = "demo-fra/1" }, `aliases["a b"]`, "alias names"},
		{"slack bot_token missing", func(c *Config) { c.Slack.BotToken = "" }, "slack.bot_token", "required"},
		{"slack bot_token kind", func(c *Config) { c.Slack.BotToken = "xapp-1" }, "slack.bot_token", "xoxb-"},
		{"slack no mode", func(c *Config) { c.Slack = Slack{BotToken: "xoxb-1", ApprovalsChannel: "C1"} }, "slack", "app_token (Socket Mode) or signing_secret"},
		{"slack app_token kind", func(c *Config) { c.Slack.AppToken = "xoxb-2" }, "slack.app_token", "xapp-"},
		{"slack http mode no listen", func(c *Config) { c.Slack.AppToken = ""; c.HTTP.Listen = ""; c.Discord.PublicKey = "" }, "http.listen", "Slack HTTP mode"},
		{"slack only channel", func(c *Config) { c.Slack = Slack{ApprovalsChannel: "C1", AppToken: "xapp-1"} }, "slack.bot_token", "required when slack is configured"},
		{"slack api_url", func(c *Config) { c.Slack.APIURL = "slack.com/api" }, "slack.api_url", "URL"},
		{"discord token", func(c *Config) { c.Discord.Token = "" }, "discord.token", "required"},
		{"discord app_id", func(c *Config) { c.Discord.AppID = "" }, "discord.app_id", "required"},
		{"discord app_id digits", func(c *Config) { c.Discord.AppID = "12a" }, "discord.app_id", "Discord id"},
		{"discord guild_id digits", func(c *Config) { c.Discord.GuildID = "-1" }, "discord.guild_id", "Discord id"},
		{"discord channel digits", func(c *Config) { c.Discord.ApprovalsChannel = "#ops" }, "discord.approvals_channel", "Discord id"},
		{"discord public_key hex", func(c *Config) { c.Discord.PublicKey = strings.Repeat("g", 64) }, "discord.public_key", "64 hex"},
		{"discord public_key length", func(c *Config) { c.Discord.PublicKey = "abcd" }, "discord.public_key", "64 hex"},
		{"discord http no listen", func(c *Config) { c.HTTP.Listen = ""; c.Slack.SigningSecret = "" }, "http.listen", "Discord HTTP interactions"},
		{"discord api_url", func(c *Config) { c.Discord.APIURL = "ws://x" }, "discord.api_url", "URL"},
		{"mcp principal prefix", func(c *Config) { c.MCP.Principal = "local" }, "mcp.principal", "mcp:<name>"},
		{"mcp principal empty name", func(c *Config) { c.MCP.Principal = "mcp:" }, "mcp.principal", "mcp:<name>"},
		{"mcp token name", func(c *Config) { c.MCP.Tokens[0].Name = "" }, "mcp.tokens[0].name", "lowercase letters"},
		{"mcp token name uppercase", func(c *Config) { c.MCP.Tokens[0].Name = "Laptop" }, "mcp.tokens[0].name", "lowercase letters"},
		{"mcp token name dot", func(c *Config) { c.MCP.Tokens[0].Name = "a.b" }, "mcp.tokens[0].name", "lowercase letters"},
		{"mcp token name colon", func(c *Config) { c.MCP.Tokens[0].Name = "a:b" }, "mcp.tokens[0].name", "lowercase letters"},
		{"mcp token name leading dash", func(c *Config) { c.MCP.Tokens[0].Name = "-a" }, "mcp.tokens[0].name", "lowercase letters"},
		{"mcp token name leading underscore", func(c *Config) { c.MCP.Tokens[0].Name = "_a" }, "mcp.tokens[0].name", "lowercase letters"},
		{"mcp token name too long", func(c *Config) { c.MCP.Tokens[0].Name = strings.Repeat("a", 64) }, "mcp.tokens[0].name", "at most 63"},
		{"mcp token name glob", func(c *Config) { c.MCP.Tokens[0].Name = "a*" }, "mcp.tokens[0].name", "lowercase letters"},
		{"mcp token name duplicate", func(c *Config) { c.MCP.Tokens[1].Name = "claude-laptop" }, "mcp.tokens[1].name", "duplicate of mcp.tokens[0].name"},
		{"mcp sha256 short", func(c *Config) { c.MCP.Tokens[0].SHA256 = "abc" }, "mcp.tokens[0].sha256", "64 lowercase hex"},
		{"mcp sha256 not hex", func(c *Config) { c.MCP.Tokens[0].SHA256 = strings.Repeat("z", 64) }, "mcp.tokens[0].sha256", "64 lowercase hex"},
		{"mcp sha256 duplicate", func(c *Config) { c.MCP.Tokens[1].SHA256 = strings.Repeat("0", 64) }, "mcp.tokens[1].sha256", "same token"},
		{"mcp sha256 uppercase in code", func(c *Config) { c.MCP.Tokens[1].SHA256 = strings.Repeat("F", 64) }, "mcp.tokens[1].sha256", "64 lowercase hex"},
		{"mcp sha256 long", func(c *Config) { c.MCP.Tokens[0].SHA256 = strings.Repeat("0", 65) }, "mcp.tokens[0].sha256", "64 lowercase hex"},
		{"mcp http no port", func(c *Config) { c.MCP.HTTP = "localhost" }, "mcp.http", "host:port"},
		{"mcp http bad port", func(c *Config) { c.MCP.HTTP = "127.0.0.1:65536" }, "mcp.http", "host:port"},
		{"mcp state_key short", func(c *Config) { c.MCP.StateKey = "0123456789abcde" }, "mcp.state_key", "at least 16 bytes"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format", "text or json"},
		{"log level", func(c *Config) { c.Log.Level = "trace" }, "log.level", "debug, info, warn or error"},
		{"demo speed zero", func(c *Config) { c.Demo.Speed = 0 }, "demo.speed", "positive"},
		{"demo speed inf", func(c *Config) { c.Demo.Speed = math.Inf(1) }, "demo.speed", "positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validBase()
			tt.mutate(c)
			err := c.Validate()
			wantProblem(t, err, tt.key, tt.msg)
			if n := len(problemsOf(t, err)); n != 1 {
				t.Errorf("want exactly 1 problem, got %d:\n%v", n, err)
			}
		})
	}
}

// Validation problems found after Parse carry the line of their key.
func TestValidateProblemLines(t *testing.T) {
	doc := "providers:\n  - name: g\n    type: glesys\n    project: cl1\n    api_key: k\n    base_url: ftp://x\naliases:\n  web: nope/1\n"
	_, err := Parse([]byte(doc), envOf(nil), filesOf(nil))
	if p := wantProblem(t, err, "providers[0].base_url", "https"); p.Line != 6 {
		t.Errorf("base_url line = %d, want 6", p.Line)
	}
	if p := wantProblem(t, err, "aliases.web", "not configured"); p.Line != 8 {
		t.Errorf("alias line = %d, want 8", p.Line)
	}
	if p := wantProblem(t, err, "providers[0].base_url", "https"); !strings.HasPrefix(p.Error(), "providers[0].base_url (line 6): ") {
		t.Errorf("message = %q", p.Error())
	}
}

// TestKeyOfAnotherType: a key that another provider type declares is "not
// used by" this one, at its line; a key no type declares is unknown.
func TestKeyOfAnotherType(t *testing.T) {
	tests := []struct{ doc, key, msg string }{
		{"providers:\n  - name: g\n    type: glesys\n    project: p\n    api_key: k\n    kvm_ids: [k]\n", "providers[0].kvm_ids", "not used by type glesys"},
		{"providers:\n  - name: d\n    type: demo\n    api_key: k\n", "providers[0].api_key", "not used by type demo"},
		{"providers:\n  - name: d\n    type: demo\n    api_key_file: /k\n", "providers[0].api_key_file", "not used by type demo"},
		{"providers:\n  - name: c\n    type: cyberpanel\n    api_key: k\n    speed: 2\n", "providers[0].speed", "not used by type cyberpanel"},
		{"providers:\n  - name: c\n    type: cyberpanel\n    api_key: k\n    api_kee: 2\n", "providers[0].api_kee", `unknown key; did you mean "api_key"?`},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.doc), envOf(nil), filesOf(nil))
		p := wantProblem(t, err, tt.key, tt.msg)
		if p != nil && p.Line != strings.Count(tt.doc, "\n") {
			t.Errorf("%s: line %d, want %d", tt.key, p.Line, strings.Count(tt.doc, "\n"))
		}
		if n := len(problemsOf(t, err)); n != 1 {
			t.Errorf("%s: want exactly 1 problem, got %d:\n%v", tt.key, n, err)
		}
	}
}

// TestDemoNameIsForDemoProviders: the default policy grants every shell
// user everything on demo-*/*, so a real provider named demo-prod would
// let anyone delete its servers. Only a demo provider may be named demo-*.
func TestDemoNameIsForDemoProviders(t *testing.T) {
	doc := "providers:\n  - name: demo-prod\n    type: glesys\n    project: cl1\n    api_key: k\n"
	_, err := Parse([]byte(doc), envOf(nil), filesOf(nil))
	if p := wantProblem(t, err, "providers[0].name", "demo"); p != nil && p.Line != 2 {
		t.Errorf("line %d, want 2", p.Line)
	}
	c := validBase()
	c.Providers[3].Name = "demo-cp"
	wantProblem(t, c.Validate(), "providers[3].name", "only a provider of type demo")
	c = validBase()
	c.Providers[3].Name = "mydemo-cp" // the prefix is what the policy matches
	if err := c.Validate(); err != nil {
		t.Errorf("mydemo-cp: %v", err)
	}
}
