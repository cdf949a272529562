// Command bot runs vpsops for chat: the Slack adapter when it is
// configured, and the shell adapter (stdin) when stdin is a terminal or
// no chat platform is configured. With a chat platform and no terminal it
// runs headless; --shell runs the shell alone (no chat adapter, no HTTP
// listener), to join a running installation's database from a second
// terminal. With no configuration it runs the shell on the built-in demo
// fleet.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/chat/shell"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/metrics"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main with its inputs explicit, so tests can drive the binary's
// whole start-up path. It returns the exit status: 2 for bad usage or
// configuration, 1 for a failure while running or when the last command
// of the session failed (so scripts and cron can check it), else 0.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext is run ending when ctx ends, as on a signal: tests stop a
// headless bot with it.
func runContext(parent context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "slack-manifest" {
		return slackManifest(args[1:], stdout, stderr, os.Getenv)
	}
	if len(args) > 0 && args[0] == "db" {
		return dbCommand(parent, args[1:], stdout, stderr, os.Getenv)
	}
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configPath = fs.String("config", "", "configuration file (default $"+config.EnvVar+"; none: demo fleet)")
		as         = fs.String("as", "", "principal for the shell adapter, e.g. shell:bob (default shell:<your OS user>)")
		forceShell = fs.Bool("shell", false, "run the shell adapter on stdin even when chat platforms are configured")
		logFormat  = fs.String("log-format", "", "log format on stderr: text or json (overrides log.format)")
		logLevel   = fs.String("log-level", "", "log level on stderr: debug, info, warn or error (overrides log.level; on a terminal info is shown as warn unless given here)")
		version    = fs.Bool("version", false, "print the version and exit")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: bot [flags]\n       bot slack-manifest [--config FILE] [--url https://HOST] [--name NAME]\n       bot db copy --from ./vpsops.db --to postgres://USER@HOST/DB [--config FILE]\n\nRuns the vpsops chat bot. With no configuration: a shell chat on the demo fleet.\nslack-manifest prints the Slack app manifest for the configured mode.\ndb copy moves an installation to a new, empty database (see docs/replicas.md).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *version {
		fmt.Fprintln(stdout, "vpsops bot", buildinfo.String())
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bot: unexpected argument %q (see --help)\n", fs.Arg(0))
		return 2
	}
	cfg, err := app.LoadConfig(config.Resolve(*configPath, os.Getenv))
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		return 2
	}
	if *logFormat != "" {
		cfg.Log.Format = *logFormat
	}
	interactive := stdinIsTerminal(stdin)
	switch {
	case *logLevel != "":
		cfg.Log.Level = *logLevel
	case interactive && (cfg.Log.Level == "" || cfg.Log.Level == "info"):
		// On a terminal the shell's own output says what happened (every
		// failure included); info records on the same screen would say
		// it twice. Warnings still show; --log-level info brings the rest.
		cfg.Log.Level = "warn"
	}
	// --shell runs the shell alone: a second terminal joining the
	// database of a bot that serves chat.
	serveChat := (cfg.Slack.Enabled() || cfg.Discord.Enabled()) && !*forceShell
	runShell := *forceShell || interactive || !serveChat
	logger, err := app.NewLogger(cfg.Log, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		return 2
	}
	principal, err := shellPrincipal(*as)
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	m := metrics.New()
	a, err := app.Open(ctx, cfg, app.Options{Logger: logger, Metrics: m})
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		if errors.As(err, new(*app.ConfigError)) {
			return 2
		}
		return 1
	}
	defer a.Close()

	const grace = 30 * time.Second
	var sh *shell.Shell
	if runShell {
		sh = &shell.Shell{Runner: a.Runner, Principal: principal, In: stdin, Out: stdout, Interactive: interactive, Grace: grace}
		if f, ok := stdin.(*os.File); ok && interactive {
			sh.TTY = shell.FileTTY(f)
		}
	}
	var chats *chatAdapters
	// http.listen alone (no chat platform) still serves the probes; the
	// shell alone (--shell) serves nothing.
	if serveChat || (cfg.HTTP.Listen != "" && !*forceShell) {
		if chats, err = openChat(ctx, a, m, logger); err != nil {
			fmt.Fprintf(stderr, "bot: %v\n", err)
			return 2
		}
	}
	bg, stopBG := context.WithCancel(ctx)
	wait := a.Background(bg, grace, func(n commands.Notice) {
		if sh != nil {
			sh.Notify(n)
		}
		if chats != nil {
			chats.notify(bg, n)
		}
	})
	waitChat := func() {}
	if chats != nil {
		if waitChat, err = chats.run(bg, grace); err != nil {
			stopBG()
			wait()
			fmt.Fprintf(stderr, "bot: %v\n", err)
			return 2
		}
	}
	logger.Info("vpsops bot started", "version", buildinfo.String(), "shell", runShell, "slack", serveChat && cfg.Slack.Enabled(), "discord", serveChat && cfg.Discord.Enabled(),
		"database", a.DB.String(), "providers", len(cfg.Providers))
	var runErr error
	if sh != nil {
		runErr = sh.Run(ctx)
	} else {
		<-ctx.Done() // headless: serve chat until a signal
	}
	stopBG()
	waitChat()
	wait()
	switch {
	case errors.Is(runErr, shell.ErrLastCommandFailed):
		return 1 // its error is on stdout already
	case runErr != nil:
		fmt.Fprintf(stderr, "bot: %v\n", runErr)
		return 1
	}
	return 0
}

// stdinIsTerminal is shell.IsTerminal; tests replace it to start an
// interactive session on a pipe.
var stdinIsTerminal = isTerminalForReal

var isTerminalForReal = shell.IsTerminal
