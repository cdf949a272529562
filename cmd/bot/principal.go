package main

import (
	"fmt"
	"os"
	"os/user"
	"regexp"
	"strings"
)

var reShellPrincipal = regexp.MustCompile(`^shell:[A-Za-z0-9._@-]{1,64}$`)

// shellPrincipal is the identity of the shell session: --as, else
// shell:<OS user>. --as exists for local demos (a second terminal acting
// as an approver), so it takes shell: names only: a local user must not
// borrow the grants of a Slack, Discord or MCP identity.
func shellPrincipal(as string) (string, error) {
	if as != "" {
		if !reShellPrincipal.MatchString(as) {
			return "", fmt.Errorf("--as %q: want a shell principal like shell:bob", as)
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
