package main

import (
	"fmt"
	"io"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/mcpserver"
)

const tokenUsage = "usage: mcp token new NAME (NAME: lowercase letters, digits, '_' or '-', at most 63; the client becomes mcp:NAME)"

// runToken runs `mcp token ARGS...` (args are what follows "token"):
// `new NAME` prints a fresh token once, and the mcp.tokens entry that
// holds only its hash. The token is never stored, so losing it means
// making another. Exit status: 0, 1 when no token could be made, 2 for bad
// usage.
func runToken(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(stdout, tokenUsage)
		return 0
	}
	if len(args) != 2 || args[0] != "new" {
		fmt.Fprintln(stderr, tokenUsage)
		return 2
	}
	name := args[1]
	if !config.ValidMCPTokenName(name) {
		// The name is not quoted: it may hold anything a shell passes.
		fmt.Fprintln(stderr, "mcp token new: NAME must be lowercase letters, digits, '_' or '-', starting with a letter or digit (at most 63)")
		return 2
	}
	token, err := mcpserver.NewToken()
	if err != nil {
		fmt.Fprintf(stderr, "mcp token new: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "token (shown once, store it in your client's configuration):\n  %s\n", token)
	fmt.Fprintf(stdout, "add to vpsops.yaml under mcp.tokens:\n  - {name: %s, sha256: %s}\n", name, mcpserver.HashToken(token))
	return 0
}
