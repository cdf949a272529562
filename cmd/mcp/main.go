// Command mcp will serve the vpsops commands as MCP tools (stdio, or
// streamable HTTP with --http). It is built in the MCP issue; until then it
// says so instead of pretending to serve.
package main

import (
	"fmt"
	"os"

	"github.com/vpsops/vpsops/internal/buildinfo"
)

func main() {
	for _, a := range os.Args[1:] {
		switch a {
		case "--version", "-version":
			fmt.Println("vpsops mcp", buildinfo.String())
			return
		case "--help", "-help", "-h":
			fmt.Println("Usage: mcp [--http ADDR] [--config FILE]\n\nThe MCP server is not built yet; use `go run ./cmd/bot` for the shell chat.")
			return
		}
	}
	fmt.Fprintln(os.Stderr, "mcp: the MCP server is not built yet (it comes with the MCP issue); use `go run ./cmd/bot` for the shell chat")
	os.Exit(1)
}
