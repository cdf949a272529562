package slack

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/vpsops/vpsops/internal/fault"
)

// updateGolden says -update was given (the flag is defined once for the
// package, in render_golden_test.go).
func updateGolden() bool { return *update }

var manifestModes = []struct {
	golden string
	opts   ManifestOptions
}{
	{"manifest-socket.yaml", ManifestOptions{SocketMode: true}},
	{"manifest-http.yaml", ManifestOptions{PublicURL: "https://bot.example.com"}},
}

// The manifests are pinned: a change to what the app asks of Slack shows
// up in review as a diff of these files.
func TestManifestGolden(t *testing.T) {
	for _, mode := range manifestModes {
		t.Run(mode.golden, func(t *testing.T) {
			got, err := Manifest(mode.opts)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", mode.golden)
			if updateGolden() {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("manifest differs from %s (run with -update if the change is meant):\n%s", path, got)
			}
		})
	}
}

// parseManifest reads a manifest back as plain YAML, by the key names of
// Slack's app manifest reference, not through the structs that wrote it:
// a misspelt yaml tag would survive a round trip through those.
func parseManifest(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest is not YAML: %v\n%s", err, b)
	}
	return m
}

// at follows a path of mapping keys and sequence indexes.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a mapping", path[:i])
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no key %q", path[:i], k)
			}
		case int:
			s, ok := v.([]any)
			if !ok || k >= len(s) {
				t.Fatalf("%v: no item %d", path[:i], k)
			}
			v = s[k]
		}
	}
	return v
}

func has(v any, key string) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[key]
	return ok
}

// Each mode has what Slack needs to deliver /vps and button presses to
// the bot, within the limits of Slack's manifest reference.
func TestManifestHasWhatEachModeNeeds(t *testing.T) {
	for _, mode := range manifestModes {
		t.Run(mode.golden, func(t *testing.T) {
			b, err := Manifest(mode.opts)
			if err != nil {
				t.Fatal(err)
			}
			m := parseManifest(t, b)
			for _, top := range []string{"display_information", "features", "oauth_config", "settings"} {
				if !has(m, top) {
					t.Errorf("no %s", top)
				}
			}
			if len(m) != 4 {
				t.Errorf("top-level keys %v, want the four above", m)
			}

			name := at(t, m, "display_information", "name").(string)
			if name != "vpsops" || utf8.RuneCountInString(name) > 35 {
				t.Errorf("name %q", name)
			}
			if d := at(t, m, "display_information", "description").(string); d == "" || utf8.RuneCountInString(d) > 140 {
				t.Errorf("description %q: Slack wants 1 to 140 characters", d)
			}
			if c := at(t, m, "display_information", "background_color").(string); !regexp.MustCompile(`^#([0-9a-fA-F]{3}){1,2}$`).MatchString(c) {
				t.Errorf("background_color %q is not a hex colour", c)
			}
			if d := at(t, m, "features", "bot_user", "display_name").(string); !regexp.MustCompile(`^[a-z0-9._-]{1,80}$`).MatchString(d) {
				t.Errorf("bot display_name %q has characters Slack refuses", d)
			}
			if at(t, m, "features", "bot_user", "always_online") != true {
				t.Error("bot_user.always_online is not true")
			}

			cmds := at(t, m, "features", "slash_commands").([]any)
			if len(cmds) != 1 {
				t.Fatalf("%d slash commands, want /vps only", len(cmds))
			}
			cmd := cmds[0]
			if at(t, cmd, "command") != "/vps" || at(t, cmd, "should_escape") != false {
				t.Errorf("slash command %v", cmd)
			}
			if at(t, cmd, "usage_hint") != "help | list | status <server> | reboot <server> ..." {
				t.Errorf("usage_hint %q", at(t, cmd, "usage_hint"))
			}
			if d := at(t, cmd, "description").(string); d == "" {
				t.Error("slash command has no description")
			}

			var scopes []string
			for _, s := range at(t, m, "oauth_config", "scopes", "bot").([]any) {
				scopes = append(scopes, s.(string))
			}
			if want := []string{"commands", "chat:write", "chat:write.public"}; !slices.Equal(scopes, want) {
				t.Errorf("bot scopes %v, want exactly %v", scopes, want)
			}
			if has(at(t, m, "oauth_config", "scopes"), "user") {
				t.Error("asks for user scopes")
			}

			inter := at(t, m, "settings", "interactivity")
			if at(t, inter, "is_enabled") != true {
				t.Error("interactivity is off: no button would reach the bot")
			}
			if at(t, m, "settings", "org_deploy_enabled") != false || at(t, m, "settings", "token_rotation_enabled") != false {
				t.Errorf("settings %v", at(t, m, "settings"))
			}
			if at(t, m, "settings", "socket_mode_enabled") != mode.opts.SocketMode {
				t.Errorf("socket_mode_enabled %v, want %v", at(t, m, "settings", "socket_mode_enabled"), mode.opts.SocketMode)
			}

			if mode.opts.SocketMode {
				// Over the socket Slack needs no URL; one left in would
				// make Slack try to verify an address nobody serves.
				if has(cmd, "url") || has(inter, "request_url") || bytes.Contains(b, []byte("https://bot")) {
					t.Errorf("Socket Mode manifest names a URL:\n%s", b)
				}
				return
			}
			if at(t, cmd, "url") != "https://bot.example.com/slack/commands" {
				t.Errorf("slash command url %q", at(t, cmd, "url"))
			}
			if at(t, inter, "request_url") != "https://bot.example.com/slack/interactions" {
				t.Errorf("interactivity request_url %q", at(t, inter, "request_url"))
			}
		})
	}
}

// The installer sees why each scope is asked for, beside it.
func TestManifestExplainsEachScope(t *testing.T) {
	b, err := Manifest(ManifestOptions{SocketMode: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range botScopes {
		if !regexp.MustCompile(`(?m)^\s*- ` + regexp.QuoteMeta(s.name) + ` # \S`).Match(b) {
			t.Errorf("scope %s has no reason beside it:\n%s", s.name, b)
		}
	}
}

func TestManifestPublicURL(t *testing.T) {
	for _, c := range []struct{ in, commands string }{
		{"https://bot.example.com", "https://bot.example.com/slack/commands"},
		{"https://bot.example.com/", "https://bot.example.com/slack/commands"},
		{"https://example.com/vpsops/", "https://example.com/vpsops/slack/commands"},
		{"HTTPS://bot.example.com:8443", "https://bot.example.com:8443/slack/commands"},
	} {
		b, err := Manifest(ManifestOptions{PublicURL: c.in})
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := at(t, parseManifest(t, b), "features", "slash_commands", 0, "url"); got != c.commands {
			t.Errorf("%s: url %q, want %q", c.in, got, c.commands)
		}
	}
}

// A manifest Slack would refuse, or that would point Slack at the wrong
// place, is refused here with one line saying what to pass, and never
// quoting the URL: it might hold a password.
func TestManifestRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		opts ManifestOptions
		want string
	}{
		{"http mode without url", ManifestOptions{}, "needs a public URL"},
		{"plain http", ManifestOptions{PublicURL: "http://bot.example.com"}, "must be https"},
		{"no scheme", ManifestOptions{PublicURL: "bot.example.com"}, "must be https"},
		{"no host", ManifestOptions{PublicURL: "https:///slack"}, "has no host"},
		{"bad url", ManifestOptions{PublicURL: "https://bot example.com"}, "does not parse"},
		{"credentials", ManifestOptions{PublicURL: "https://ops:hunter2@bot.example.com"}, "user or password"},
		{"query", ManifestOptions{PublicURL: "https://bot.example.com/?token=hunter2"}, "no query"},
		{"url in socket mode", ManifestOptions{SocketMode: true, PublicURL: "https://bot.example.com"}, "Socket Mode needs none"},
		{"long name", ManifestOptions{SocketMode: true, AppName: strings.Repeat("n", 36)}, "longer than Slack's 35"},
		{"control character", ManifestOptions{SocketMode: true, AppName: "vps\x1b[2Jops"}, "control or invisible"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Manifest(c.opts)
			if err == nil {
				t.Fatalf("accepted:\n%s", b)
			}
			msg := err.Error()
			if fault.ClassOf(err) != fault.Invalid || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q (class %s), want one invalid line with %q", msg, fault.ClassOf(err), c.want)
			}
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, "\x1b") {
				t.Errorf("error quotes the value: %q", msg)
			}
			if !c.opts.SocketMode && !strings.Contains(msg, "https://bot.example.com") {
				t.Errorf("error %q does not say what to pass", msg)
			}
		})
	}
}

// The bot user's display name takes only the characters Slack allows
// there; the app name keeps what the operator typed.
func TestManifestName(t *testing.T) {
	for _, c := range []struct{ in, name, bot string }{
		{"", "vpsops", "vpsops"},
		{"  VPS Ops  ", "VPS Ops", "vps-ops"},
		{"Ops Bot (prod)", "Ops Bot (prod)", "ops-bot-prod"},
		{"fleet_ops.eu", "fleet_ops.eu", "fleet_ops.eu"},
		{"Ωμέγα", "Ωμέγα", "vpsops"},
	} {
		b, err := Manifest(ManifestOptions{SocketMode: true, AppName: c.in})
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		m := parseManifest(t, b)
		if got := at(t, m, "display_information", "name"); got != c.name {
			t.Errorf("%q: app name %q, want %q", c.in, got, c.name)
		}
		if got := at(t, m, "features", "bot_user", "display_name"); got != c.bot {
			t.Errorf("%q: bot display_name %q, want %q", c.in, got, c.bot)
		}
	}
}
