package main

import (
	"fmt"
	"os"
	"os/user"
	"regexp"
	"strings"
)

var rePrincipal = regexp.MustCompile(`^(shell|slack|discord):[A-Za-z0-9._@:-]{1,128}$`)

// shellPrincipal is the identity of the shell session: --as, else
// shell:<OS user>. --as exists for local demos (a second terminal acting
// as an approver); MCP principals are refused because an mcp: principal
// can never approve, and the shell is not an MCP client.
func shellPrincipal(as string) (string, error) {
	if as != "" {
		if !rePrincipal.MatchString(as) {
			return "", fmt.Errorf("--as %q: want a principal like shell:bob or slack:T01:U02", as)
		}
		return as, nil
	}
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._@-", r) {
			return r
		}
		return '_'
	}, name)
	if name == "" {
		name = "user"
	}
	return "shell:" + name, nil
}
