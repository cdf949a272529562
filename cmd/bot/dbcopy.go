package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/dbcopy"
	"github.com/vpsops/vpsops/internal/store"
)

// dbCommand is `bot db copy --from A --to B`: it moves an installation
// between databases (see internal/dbcopy), verifying the audit chain on
// both sides with the configured audit.hmac_key. It returns the exit
// status: 2 for bad usage or configuration, 1 when the copy fails, else 0.
func dbCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] != "copy" {
		fmt.Fprintln(stderr, "bot: db: the only subcommand is copy: bot db copy --from ./vpsops.db --to postgres://… (see bot db copy --help)")
		return 2
	}
	fs := flag.NewFlagSet("bot db copy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		configPath = fs.String("config", "", "configuration file, for audit.hmac_key (default $"+config.EnvVar+")")
		from       = fs.String("from", "", "the database to copy: an SQLite file or a postgres:// URL")
		to         = fs.String("to", "", "the new, empty database: a postgres:// URL or an SQLite file")
	)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintf(stderr, "Usage: bot db copy --from ./vpsops.db --to postgres://USER@HOST/DB\n\n"+
				"Copies approvals, the audit chain, MCP request-state keys and the demo fleet\n"+
				"into a new, empty database, in one transaction, and verifies the audit chain\n"+
				"on both sides with audit.hmac_key from the configuration. Stop the bots on\n"+
				"the source first: what they write after the copy began stays behind.\n\nFlags:\n")
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "bot: db copy: %v (see --help)\n", err)
		return 2
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "bot: db copy: both --from and --to are required, and nothing else (see --help)")
		return 2
	}
	cfg, err := app.LoadConfig(config.Resolve(*configPath, getenv))
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		return 2
	}
	var dbs [2]*store.DB
	for i, addr := range []string{*from, *to} {
		if dbs[i], err = store.Open(ctx, addr, store.Options{}); err != nil {
			fmt.Fprintf(stderr, "bot: db copy: %v\n", err)
			return 1
		}
		defer dbs[i].Close()
	}
	rep, err := dbcopy.Copy(ctx, dbs[0], dbs[1], []byte(cfg.Audit.HMACKey.Reveal()))
	if err != nil {
		fmt.Fprintf(stderr, "bot: db copy: %v\n", err)
		return 1
	}
	var parts []string
	for _, t := range []string{"approval_requests", "approval_events", "approval_posts", "audit_records", "mcp_nonces", "demo_fleets"} {
		parts = append(parts, fmt.Sprintf("%s %d", t, rep.Rows[t]))
	}
	fmt.Fprintf(stdout, "copied %s to %s: %s\n", dbs[0], dbs[1], strings.Join(parts, ", "))
	fmt.Fprintf(stdout, "audit chain verified in the copy: %d records, head %s\n", rep.Audit.Records, rep.Audit.HeadHash)
	return 0
}
