package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/config"
)

// runManifest runs `bot slack-manifest args` with VPSOPS_CONFIG set to
// envConfig and returns stdout, stderr and the exit status.
func runManifest(t *testing.T, envConfig string, args ...string) (string, string, int) {
	t.Helper()
	getenv := func(k string) string {
		if k == config.EnvVar {
			return envConfig
		}
		return ""
	}
	var out, errOut bytes.Buffer
	code := slackManifest(args, &out, &errOut, getenv)
	return out.String(), errOut.String(), code
}

func wantManifest(t *testing.T, got string, o slack.ManifestOptions) {
	t.Helper()
	want, err := slack.Manifest(o)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("stdout is not the %+v manifest:\n%s", o, got)
	}
}

// oneLine fails unless s is exactly one line containing each of parts.
func oneLine(t *testing.T, s string, parts ...string) {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
		t.Errorf("want one line, got %q", s)
	}
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q does not say %q", s, p)
		}
	}
}

const (
	slackSocketKeys = "slack: {bot_token: xoxb-test-1, app_token: xapp-test-1, approvals_channel: C0123ABCD}\n"
	slackHTTPKeys   = "http: {listen: 127.0.0.1:0}\nslack: {bot_token: xoxb-test-1, signing_secret: s3cr3t-test}\n"
)

// With no Slack keys the operator has not chosen yet: Socket Mode (no
// public URL needed), and stderr says so and how to get HTTP mode, while
// stdout holds the manifest alone, ready for a redirect.
func TestSlackManifestWithoutSlackKeys(t *testing.T) {
	out, errOut, code := runManifest(t, "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	wantManifest(t, out, slack.ManifestOptions{SocketMode: true})
	oneLine(t, errOut, "Socket Mode", "slack.app_token", "--http --url https://")

	out, errOut, code = runManifest(t, "", "--http", "--url", "https://bot.example.com/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	wantManifest(t, out, slack.ManifestOptions{PublicURL: "https://bot.example.com/"})
	oneLine(t, errOut, "HTTP mode", "slack.signing_secret", "http.listen")

	// A URL means HTTP mode: Socket Mode has no use for one.
	out, _, code = runManifest(t, "", "--url", "https://bot.example.com")
	if code != 0 || !strings.Contains(out, "url: https://bot.example.com/slack/commands") {
		t.Errorf("--url alone: exit %d\n%s", code, out)
	}
}

// The mode follows the configuration, found as the bot finds it
// (--config, else VPSOPS_CONFIG), so the app and the bot agree.
func TestSlackManifestFollowsTheConfig(t *testing.T) {
	dir := t.TempDir()
	socketCfg := writeConfig(t, dir, slackSocketKeys)
	out, errOut, code := runManifest(t, socketCfg)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	wantManifest(t, out, slack.ManifestOptions{SocketMode: true})

	httpCfg := writeConfig(t, t.TempDir(), slackHTTPKeys)
	// --config wins over the environment.
	out, errOut, code = runManifest(t, socketCfg, "--config", httpCfg, "--url", "https://bot.example.com", "--name", "Fleet Ops")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	wantManifest(t, out, slack.ManifestOptions{AppName: "Fleet Ops", PublicURL: "https://bot.example.com"})

	// An app token selects Socket Mode even beside a signing secret, as
	// in the bot.
	both := writeConfig(t, t.TempDir(), "slack: {bot_token: xoxb-test-1, app_token: xapp-test-1, signing_secret: s3cr3t-test}\n")
	out, _, code = runManifest(t, both)
	if code != 0 || !strings.Contains(out, "socket_mode_enabled: true") {
		t.Errorf("app_token and signing_secret: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "test-1") || strings.Contains(out, "s3cr3t") {
		t.Errorf("a secret of the config reached the manifest:\n%s", out)
	}
}

// Bad usage exits 2 with one line saying what to do, and prints no
// manifest that would not work.
func TestSlackManifestBadUsage(t *testing.T) {
	socketCfg := writeConfig(t, t.TempDir(), slackSocketKeys)
	httpCfg := writeConfig(t, t.TempDir(), slackHTTPKeys)
	for _, c := range []struct {
		name   string
		env    string
		args   []string
		expect []string
	}{
		{"http config without url", httpCfg, nil, []string{"HTTP mode", "--url https://"}},
		{"--http without url", "", []string{"--http"}, []string{"--url https://"}},
		{"plain http url", "", []string{"--http", "--url", "http://bot.example.com"}, []string{"must be https"}},
		{"url with socket config", socketCfg, []string{"--url", "https://bot.example.com"}, []string{"slack.app_token", "Socket Mode"}},
		{"--http with socket config", socketCfg, []string{"--http"}, []string{"drop --http"}},
		{"long name", "", []string{"--name", strings.Repeat("x", 36)}, []string{"35 characters"}},
		{"unknown flag", "", []string{"--socket"}, []string{"-socket", "--help"}},
		{"argument", "", []string{"socket"}, []string{`unexpected argument "socket"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runManifest(t, c.env, c.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q", code, out)
			}
			oneLine(t, errOut, c.expect...)
			if !strings.HasPrefix(errOut, "bot: ") {
				t.Errorf("%q does not say who speaks", errOut)
			}
		})
	}
}

func TestSlackManifestBadConfigAndHelp(t *testing.T) {
	bad := writeConfig(t, t.TempDir(), "slack: {bot_token: not-a-bot-token, app_token: xapp-test-1}\n")
	out, errOut, code := runManifest(t, bad)
	if code != 2 || out != "" || !strings.Contains(errOut, "slack.bot_token") || strings.Contains(errOut, "not-a-bot-token") {
		t.Errorf("bad config: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	out, errOut, code = runManifest(t, "", "--help")
	if code != 0 || out != "" || !strings.Contains(errOut, "Usage: bot slack-manifest") || !strings.Contains(errOut, "-url") {
		t.Errorf("--help: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
