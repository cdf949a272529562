package slack

import (
	"bytes"
	"net/url"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/safetext"
)

// DefaultAppName names the app when ManifestOptions.AppName is empty.
const DefaultAppName = "vpsops"

// maxAppNameLen is Slack's limit on an app's name (app manifest reference).
const maxAppNameLen = 35

// ManifestOptions says which app Manifest describes.
type ManifestOptions struct {
	// AppName is the app's name in Slack, and the bot user's display name
	// (in the characters Slack allows there). DefaultAppName when empty.
	AppName string
	// SocketMode makes an app that connects out to Slack over a WebSocket
	// (the config has slack.app_token): Slack then needs no URL of ours.
	SocketMode bool
	// PublicURL is the https base URL at which Slack reaches the bot in HTTP
	// mode (slack.signing_secret without app_token). Required then, unused
	// in Socket Mode.
	PublicURL string
}

// botScope is one OAuth scope the bot asks for, and why: the reason is
// written next to it in the manifest, so whoever installs the app sees
// what each permission is for.
type botScope struct{ name, why string }

// botScopes are exactly the scopes the adapter uses; no more, so an
// installer grants nothing the bot does not need.
var botScopes = []botScope{
	{"commands", "the /vps slash command"},
	{"chat:write", "replies, confirmation prompts and approval messages, and edits of them"},
	// Without chat:write.public the bot could post only in channels it was
	// invited to: the approvals channel would stay silent until someone
	// remembered to /invite it. A private channel still needs the invite.
	{"chat:write.public", "post to the approvals channel without being invited to it"},
}

// The manifest's shape. Field order follows the field tables of Slack's
// app manifest reference; fields vpsops does not use are left out.
type (
	manifest struct {
		DisplayInformation displayInformation `yaml:"display_information"`
		Features           features           `yaml:"features"`
		OAuthConfig        oauthConfig        `yaml:"oauth_config"`
		Settings           settings           `yaml:"settings"`
	}
	displayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		BackgroundColor string `yaml:"background_color"`
	}
	features struct {
		BotUser       botUser        `yaml:"bot_user"`
		SlashCommands []slashCommand `yaml:"slash_commands"`
	}
	botUser struct {
		DisplayName  string `yaml:"display_name"`
		AlwaysOnline bool   `yaml:"always_online"`
	}
	slashCommand struct {
		Command     string `yaml:"command"`
		Description string `yaml:"description"`
		// ShouldEscape false: the bot gets the text as typed; server names
		// and reasons are plain words, never Slack mentions to resolve.
		ShouldEscape bool `yaml:"should_escape"`
		// URL is set in HTTP mode only; in Socket Mode commands arrive
		// over the socket.
		URL       string `yaml:"url,omitempty"`
		UsageHint string `yaml:"usage_hint"`
	}
	oauthConfig struct {
		Scopes scopes `yaml:"scopes"`
	}
	scopes struct {
		Bot []string `yaml:"bot"`
	}
	settings struct {
		Interactivity        interactivity `yaml:"interactivity"`
		OrgDeployEnabled     bool          `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool          `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool          `yaml:"token_rotation_enabled"`
	}
	interactivity struct {
		IsEnabled  bool   `yaml:"is_enabled"`
		RequestURL string `yaml:"request_url,omitempty"`
	}
)

// Manifest returns a Slack app manifest (YAML) for the adapter: the /vps
// command, the buttons (interactivity), and the bot scopes the adapter
// uses, for Socket Mode or HTTP mode. Paste it into Slack's "Create New
// App" > "From a manifest" (see docs/slack.md).
func Manifest(o ManifestOptions) ([]byte, error) {
	name, err := appName(o.AppName)
	if err != nil {
		return nil, err
	}
	m := manifest{
		DisplayInformation: displayInformation{
			Name:            name,
			Description:     "Run the VPS fleet from Slack: list, status, power, reinstall, with confirmations and approvals.",
			BackgroundColor: "#1f3a5f",
		},
		Features: features{
			// Always online: the bot answers whenever its process runs;
			// a grey dot would suggest otherwise.
			BotUser: botUser{DisplayName: botDisplayName(name), AlwaysOnline: true},
			SlashCommands: []slashCommand{{
				Command:     "/vps",
				Description: "Run a vpsops command on the VPS fleet",
				UsageHint:   "help | list | status <server> | reboot <server> ...",
			}},
		},
		Settings: settings{
			Interactivity:     interactivity{IsEnabled: true},
			SocketModeEnabled: o.SocketMode,
			// One workspace: org-wide deploy is for Enterprise Grid apps.
			OrgDeployEnabled: false,
			// No token rotation: the bot keeps one long-lived xoxb- token
			// from the config and has no refresh flow.
			TokenRotationEnabled: false,
		},
	}
	for _, s := range botScopes {
		m.OAuthConfig.Scopes.Bot = append(m.OAuthConfig.Scopes.Bot, s.name)
	}
	switch {
	case o.SocketMode && o.PublicURL != "":
		return nil, fault.Errorf(fault.Invalid, "slack manifest: a public URL is for HTTP mode; Socket Mode needs none")
	case !o.SocketMode:
		base, err := publicBase(o.PublicURL)
		if err != nil {
			return nil, err
		}
		m.Features.SlashCommands[0].URL = base + CommandsPath
		m.Settings.Interactivity.RequestURL = base + InteractionsPath
	}
	return encodeManifest(m, o.SocketMode)
}

// appName checks the app name against Slack's rules, refusing rather than
// changing it: the name is what people will look for in Slack.
func appName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultAppName, nil
	}
	if _, bad := safetext.Check(s); bad {
		return "", fault.Errorf(fault.Invalid, "slack manifest: the app name holds a control or invisible character")
	}
	if utf8.RuneCountInString(s) > maxAppNameLen {
		return "", fault.Errorf(fault.Invalid, "slack manifest: the app name is longer than Slack's %d characters", maxAppNameLen)
	}
	return s, nil
}

// botDisplayName turns the app name into the bot user's display name,
// which Slack limits to a-z, 0-9, '-', '_' and '.': "VPS Ops" becomes
// "vps-ops".
func botDisplayName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return DefaultAppName
	}
	return b.String()
}

// publicBase checks the HTTP mode base URL and returns it without a
// trailing slash. Slack calls only https URLs. Errors never quote the URL:
// it might carry credentials (https://user:pass@host).
func publicBase(raw string) (string, error) {
	const want = "pass the https base URL at which Slack reaches the bot, e.g. https://bot.example.com"
	if raw == "" {
		return "", fault.Errorf(fault.Invalid, "slack manifest: HTTP mode needs a public URL; %s", want)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fault.Errorf(fault.Invalid, "slack manifest: the public URL does not parse; %s", want)
	case u.Scheme != "https":
		return "", fault.Errorf(fault.Invalid, "slack manifest: the public URL must be https (Slack calls no other); %s", want)
	case u.Host == "" || u.Opaque != "":
		return "", fault.Errorf(fault.Invalid, "slack manifest: the public URL has no host; %s", want)
	case u.User != nil:
		return "", fault.Errorf(fault.Invalid, "slack manifest: the public URL must not hold a user or password; %s", want)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fault.Errorf(fault.Invalid, "slack manifest: the public URL must have no query or fragment; %s", want)
	}
	return "https://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// encodeManifest writes m as YAML with a heading that says what it is and
// each bot scope's reason beside it.
func encodeManifest(m manifest, socketMode bool) ([]byte, error) {
	var root yaml.Node
	if err := root.Encode(m); err != nil {
		return nil, fault.Errorf(fault.Internal, "slack manifest: encode: %v", err)
	}
	mode := "HTTP mode: Slack calls the bot at the URLs below"
	if socketMode {
		mode = "Socket Mode: the bot connects to Slack with its app-level token (xapp-)"
	}
	root.HeadComment = "Slack app manifest for vpsops, made by `bot slack-manifest`.\n" + mode + ".\nCreate the app from it: Create New App > From a manifest (see docs/slack.md)."
	bot := lookup(&root, "oauth_config", "scopes", "bot")
	if bot == nil || len(bot.Content) != len(botScopes) {
		return nil, fault.Errorf(fault.Internal, "slack manifest: bot scopes missing from the encoded manifest")
	}
	for i, s := range botScopes {
		bot.Content[i].LineComment = s.why
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fault.Errorf(fault.Internal, "slack manifest: encode: %v", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fault.Errorf(fault.Internal, "slack manifest: encode: %v", err)
	}
	return buf.Bytes(), nil
}

// lookup follows keys down nested mappings of n.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}
