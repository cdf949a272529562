package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSecretRedacts(t *testing.T) {
	s := Secret("hunter2")
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "s", s)
	j, _ := json.Marshal(s)
	y, _ := yaml.Marshal(s)
	txt, _ := s.MarshalText()
	outputs := map[string]string{
		"String":   s.String(),
		"GoString": s.GoString(),
		"%v":       fmt.Sprintf("%v", s),
		"%s":       fmt.Sprintf("%s", s),
		"%q":       fmt.Sprintf("%q", s),
		"%#v":      fmt.Sprintf("%#v", s),
		"json":     string(j),
		"yaml":     string(y),
		"text":     string(txt),
		"slog":     logged.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, "hunter2") || !strings.Contains(out, "[redacted]") {
			t.Errorf("%s = %q", name, out)
		}
	}
	if s.Reveal() != "hunter2" || !s.IsSet() {
		t.Errorf("Reveal = %q", s.Reveal())
	}
	if Secret("").String() != "" || Secret("").IsSet() {
		t.Error(`empty Secret should print as "" and not be set`)
	}
}

// leakEnv gives every secret a distinctive value, so that any place it
// shows up can be found.
func leakEnv() map[string]string {
	env := exampleEnv()
	for k, v := range env {
		if k != "EDIS_EMAIL" && k != "DISCORD_PUBLIC_KEY" { // not secrets
			env[k] = v + "-LEAK-" + k
		}
	}
	return env
}

func assertNoLeak(t *testing.T, what, out string, env map[string]string) {
	t.Helper()
	for k, v := range env {
		if strings.Contains(v, "LEAK") && strings.Contains(out, v) {
			t.Errorf("%s leaks %s:\n%s", what, k, out)
		}
	}
}

func TestConfigNeverLeaksSecrets(t *testing.T) {
	env := leakEnv()
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data, envOf(env), filesOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Slack.BotToken.Reveal() != env["SLACK_BOT_TOKEN"] {
		t.Fatal("test is vacuous: secret did not reach the config") // it must be there to leak
	}
	assertNoLeak(t, "fmt", fmt.Sprintf("%v %+v %#v %v %+v %#v %v", cfg, cfg, cfg, *cfg, *cfg, *cfg, cfg.Providers), env)
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, "json", string(j), env)
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, "yaml", string(y), env)
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("loaded", "config", cfg, "value", *cfg, "provider", cfg.Providers[1],
			"slack", cfg.Slack, "key", cfg.Audit.HMACKey)
		assertNoLeak(t, name, b.String(), env)
		if !strings.Contains(b.String(), "[redacted]") {
			t.Errorf("%s output shows no redaction: %s", name, b.String())
		}
	}
}

// Every check that looks at a value taken from the environment reports the
// key without the value.
func TestErrorsNeverLeakValues(t *testing.T) {
	env := map[string]string{}
	ref := func(name string) string {
		env[name] = "LEAK-" + name + "-v@l{ue}"
		return "${" + name + "}"
	}
	doc := fmt.Sprintf(`
database: %s
audit: {hmac_key: %s, synchronous: %s}
approvals: {ttl: %s, confirm_ttl: %s}
http: {listen: %s}
providers:
  - {name: %s, type: %s}
  - {name: e, type: edis, email: %s, password: %s, api_scheme: %s, session_url: %s, kvm_ids: [%s], timeout: %s}
  - {name: g, type: glesys, project: p, api_key: %s, base_url: %s, kvm_ids: [x]}
  - {name: d, type: demo, speed: %s, token: %s}
aliases: {w: %s}
slack: {bot_token: %s, app_token: %s, api_url: %s}
discord: {token: %s, app_id: %s, guild_id: %s, public_key: %s, approvals_channel: %s}
mcp: {principal: %s, tokens: [{name: %s, sha256: %s}], http: %s, read_only: %s, state_key: %s}
log: {format: %s, level: %s}
demo: {speed: %s}
`, "''", ref("HMAC"), ref("SYNC"), ref("TTL"), ref("CTTL"), ref("LISTEN"),
		ref("PNAME"), ref("PTYPE"),
		ref("EMAIL"), "''", ref("SCHEME"), ref("SURL"), "' '", ref("TIMEOUT"),
		ref("APIKEY"), "https://user:pw@x.example",
		ref("SPEED"), ref("TOKEN"),
		ref("ALIAS"),
		ref("BOT"), ref("APP"), ref("SLACKURL"),
		ref("DTOKEN"), ref("APPID"), ref("GUILD"), ref("PUBKEY"), ref("CHAN"),
		ref("PRINCIPAL"), ref("TOKNAME"), ref("SHA"), ref("MCPHTTP"), ref("READONLY"), ref("STATEKEY"),
		ref("FORMAT"), ref("LEVEL"), ref("DEMOSPEED"))
	env["HMAC"] = "LEAK-short" // short enough to be rejected
	env["STATEKEY"] = "LEAK-short"
	_, err := Parse([]byte(doc), envOf(env), filesOf(nil))
	ps := problemsOf(t, err)
	if len(ps) < 29 {
		t.Errorf("expected most keys to be rejected, got %d problems:\n%v", len(ps), err)
	}
	assertNoLeak(t, "error", err.Error(), env)
	assertNoLeak(t, "error %+v", fmt.Sprintf("%+v %#v", err, err), env)
	if strings.Contains(err.Error(), "user:pw") {
		t.Errorf("error shows URL credentials:\n%v", err)
	}
}
