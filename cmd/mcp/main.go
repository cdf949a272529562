// Command mcp serves the vpsops commands as MCP tools to AI assistants:
// over stdio by default (the client starts it), or over streamable HTTP
// with --http for shared or remote use. It shares the database, policy and
// providers with the bot, so an approval asked here is posted to chat and
// approved there.
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

	"github.com/mark3labs/mcp-go/server"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/buildinfo"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/mcpserver"
	"github.com/vpsops/vpsops/internal/metrics"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main with its inputs explicit, so tests drive the whole start-up
// path. It returns the exit status: 2 for bad usage or configuration, 1
// for a failure while serving.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "token" {
		return runToken(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configPath   = fs.String("config", "", "configuration file (default $"+config.EnvVar+"; none: demo fleet)")
		httpAddr     = fs.String("http", "", "serve streamable HTTP at ADDR/mcp (e.g. 127.0.0.1:8080; overrides mcp.http) instead of stdio")
		readOnly     = fs.Bool("read-only", false, "offer only tools that read (overrides mcp.read_only: true only)")
		noDestroy    = fs.Bool("disable-destructive", false, "offer no destructive tool (overrides mcp.disable_destructive: true only)")
		logFormat    = fs.String("log-format", "", "log format on stderr: text or json (overrides log.format)")
		logLevel     = fs.String("log-level", "", "log level on stderr: debug, info, warn or error (overrides log.level)")
		printVersion = fs.Bool("version", false, "print the version and exit")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: mcp [flags]\n       mcp token new NAME\n\nServes the vpsops commands as MCP tools: over stdio (stdout is the protocol;\nlogs go to stderr), or streamable HTTP with --http and bearer tokens.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *printVersion {
		fmt.Fprintln(stdout, "vpsops mcp", buildinfo.String())
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mcp: unexpected argument %q (see --help)\n", fs.Arg(0))
		return 2
	}
	cfg, err := app.LoadConfig(config.Resolve(*configPath, os.Getenv))
	if err != nil {
		fmt.Fprintf(stderr, "mcp: %v\n", err)
		return 2
	}
	if *logFormat != "" {
		cfg.Log.Format = *logFormat
	}
	if *logLevel != "" {
		cfg.Log.Level = *logLevel
	}
	logger, err := app.NewLogger(cfg.Log, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "mcp: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // a second signal ends the process at once
	m := metrics.New()
	a, err := app.Open(ctx, cfg, app.Options{Logger: logger, Metrics: m})
	if err != nil {
		fmt.Fprintf(stderr, "mcp: %v\n", err)
		if errors.As(err, new(*app.ConfigError)) {
			return 2
		}
		return 1
	}
	defer a.Close()
	if *httpAddr == "" {
		*httpAddr = cfg.MCP.HTTP
	}
	var tokens *mcpserver.Tokens
	if *httpAddr != "" {
		if tokens, err = mcpserver.NewTokens(cfg.MCP.Tokens); err != nil {
			fmt.Fprintf(stderr, "mcp: mcp.tokens: %v (create one with `mcp token new NAME`)\n", err)
			return 2
		}
	}
	sealer, nonces, err := newSealer(ctx, a, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "mcp: %v\n", err)
		return 1
	}
	var principalFrom func(context.Context) (string, bool) // stdio: the configured principal
	if *httpAddr != "" {
		principalFrom = mcpserver.PrincipalFrom // HTTP: the bearer token's, or nobody
	}
	srv, err := mcpserver.New(a.Runner, mcpserver.Options{
		Principal:     cfg.MCP.Principal,
		PrincipalFrom: principalFrom,
		Ceiling:       mcpserver.Ceiling{ReadOnly: *readOnly || cfg.MCP.ReadOnly, DisableDestructive: *noDestroy || cfg.MCP.DisableDestructive},
		Logger:        logger,
		Sealer:        sealer,
		Probes:        &metrics.Probes{Metrics: m, Ready: a.Ready, Log: logger},
	})
	if err != nil {
		fmt.Fprintf(stderr, "mcp: %v\n", err)
		return 2
	}

	// The watcher expires requests, notices lost executors and runs the
	// approved requests whose secrets only this process holds.
	const grace = 30 * time.Second
	bg, stopBG := context.WithCancel(ctx)
	wait := a.Background(bg, grace, nil)
	go srv.WatchPolicy(bg, time.Second)
	go pruneNonces(bg, nonces)
	var serveErr error
	if *httpAddr != "" {
		serveErr = serveHTTP(ctx, srv, tokens, *httpAddr, logger)
	} else {
		logger.Info("vpsops mcp serving on stdio", "version", buildinfo.String(), "principal", cfg.MCP.Principal, "database", a.DB.String())
		serveErr = server.NewStdioServer(srv.MCP()).Listen(ctx, stdin, stdout)
	}
	stopBG()
	wait()
	if serveErr != nil && !errors.Is(serveErr, context.Canceled) && !errors.Is(serveErr, io.EOF) {
		fmt.Fprintf(stderr, "mcp: %v\n", serveErr)
		return 1
	}
	return 0
}
