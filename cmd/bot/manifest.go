package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/config"
)

// slackManifest is `bot slack-manifest`: it prints to stdout the Slack app
// manifest for the mode the bot will run in with the same configuration,
// so the app created from it and the bot agree. Notes go to stderr, so
// `bot slack-manifest > manifest.yaml` holds the manifest alone. It
// returns the exit status: 2 for bad usage or configuration, else 0.
func slackManifest(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("bot slack-manifest", flag.ContinueOnError)
	// The flag package would print its error and the whole usage; bad
	// usage gets one line instead, below.
	fs.SetOutput(io.Discard)
	var (
		configPath = fs.String("config", "", "configuration file, as for the bot (default $"+config.EnvVar+")")
		publicURL  = fs.String("url", "", "HTTP mode: the public https base URL at which Slack reaches the bot, e.g. https://bot.example.com")
		name       = fs.String("name", slack.DefaultAppName, "the app's name in Slack (at most 35 characters)")
		httpMode   = fs.Bool("http", false, "HTTP mode when the configuration has no Slack keys yet (needs --url)")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintf(stderr, "Usage: bot slack-manifest [flags] > manifest.yaml\n\n"+
				"Prints the Slack app manifest for the mode the configuration selects:\n"+
				"Socket Mode with slack.app_token, HTTP mode with slack.signing_secret\n"+
				"(then --url is required). See docs/slack.md.\n\nFlags:\n")
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "bot: slack manifest: %v (see --help)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bot: slack manifest: unexpected argument %q (see --help)\n", fs.Arg(0))
		return 2
	}
	cfg, err := app.LoadConfig(config.Resolve(*configPath, getenv))
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		return 2
	}
	socket, note, err := manifestMode(cfg.Slack, *httpMode, *publicURL)
	if err != nil {
		fmt.Fprintf(stderr, "bot: slack manifest: %v\n", err)
		return 2
	}
	m, err := slack.Manifest(slack.ManifestOptions{AppName: *name, SocketMode: socket, PublicURL: *publicURL})
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		return 2
	}
	if note != "" {
		fmt.Fprintf(stderr, "bot: %s\n", note)
	}
	if _, err := stdout.Write(m); err != nil {
		fmt.Fprintf(stderr, "bot: slack manifest: writing the manifest: %v\n", err)
		return 1
	}
	return 0
}

// exampleURL is what the messages suggest for --url.
const exampleURL = "https://bot.example.com"

// manifestMode picks the mode the bot will run in, as the configuration's
// validation defines it: slack.app_token means Socket Mode (even beside a
// signing secret), signing_secret alone means HTTP mode. With no Slack keys
// yet it is the operator's choice, Socket Mode unless --http or --url, and
// note says which was made and how to make the other.
func manifestMode(s config.Slack, forceHTTP bool, publicURL string) (socket bool, note string, err error) {
	switch {
	case s.AppToken.IsSet():
		if forceHTTP || publicURL != "" {
			return false, "", errors.New("the configuration has slack.app_token, so the bot runs in Socket Mode, where Slack needs no URL: drop --http and --url, or remove slack.app_token for HTTP mode")
		}
		return true, "", nil
	case s.SigningSecret.IsSet():
		if publicURL == "" {
			return false, "", fmt.Errorf("the configuration is for HTTP mode (slack.signing_secret without app_token): pass --url %s, the public https address that reaches http.listen", exampleURL)
		}
		return false, "", nil
	case forceHTTP || publicURL != "":
		if publicURL == "" {
			return false, "", fmt.Errorf("HTTP mode needs --url %s, the public https address that will reach http.listen", exampleURL)
		}
		return false, "no Slack keys in the configuration; this is an HTTP mode manifest, as asked: the bot will need slack.bot_token, slack.signing_secret and http.listen", nil
	}
	return true, "no Slack keys in the configuration; this is a Socket Mode manifest: the bot will need slack.bot_token and slack.app_token. For HTTP mode pass --http --url " + exampleURL, nil
}
