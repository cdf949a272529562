package commands

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/policy"
)

// The registry is the contract every adapter renders: these invariants keep
// it renderable on Slack, Discord and MCP, and keep the safety annotations
// honest.
func TestRegistryInvariants(t *testing.T) {
	reg := Builtin()
	enf, err := policy.New(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reTool := regexp.MustCompile(`^[a-z][a-z_]{2,63}$`)
	reName := regexp.MustCompile(`^[a-z]+( [a-z]+)?$`)
	reArg := regexp.MustCompile(`^[a-z][a-z_]{0,31}$`)
	for _, c := range reg.All() {
		if !reName.MatchString(c.Name) {
			t.Errorf("%q: chat name must be one or two lowercase words", c.Name)
		}
		if c.Summary == "" || len(c.Summary) > 100 { // Discord: description ≤ 100
			t.Errorf("%q: summary must be 1-100 characters, is %d", c.Name, len(c.Summary))
		}
		if c.Tool != "" && !reTool.MatchString(c.Tool) {
			t.Errorf("%q: tool name %q is not snake_case", c.Name, c.Tool)
		}
		if c.Run == nil {
			t.Errorf("%q: no Run", c.Name)
		}
		if c.internal && c.Tool != "" {
			t.Errorf("%q: decision commands must never be MCP tools", c.Name)
		}
		if c.Risk == Destructive && !c.Gated() {
			t.Errorf("%q: destructive but not gated", c.Name)
		}
		if c.Risk == Destructive && c.Idempotent && c.Name != "poweroff" {
			t.Errorf("%q: destructive commands are not idempotent", c.Name)
		}
		if c.Risk != Read && c.Risk != Sensitive && !c.internal && !c.Target() {
			t.Errorf("%q: a command that changes something must target one server", c.Name)
		}
		if c.Target() && c.Permission == "" {
			t.Errorf("%q: targets a server without a permission", c.Name)
		}
		optionalSeen := false
		for _, a := range c.Args {
			if !reArg.MatchString(a.Name) {
				t.Errorf("%q: argument %q is not a valid option name", c.Name, a.Name)
			}
			if a.Help == "" || len(a.Help) > 100 {
				t.Errorf("%q: argument %q needs help of 1-100 characters", c.Name, a.Name)
			}
			if a.Positional && !a.Required {
				optionalSeen = true
			} else if a.Positional && optionalSeen {
				t.Errorf("%q: required positional %q after an optional one", c.Name, a.Name)
			}
			if a.Secret() && a.Positional {
				t.Errorf("%q: secret %q must be key=value, never positional", c.Name, a.Name)
			}
		}
		if c.Permission != "" {
			granted := false
			// shell:* users hold demo-owner, mcp:* agents: between them the
			// default policy must grant every permission on a demo server.
			for _, who := range []string{"shell:tester", "mcp:tester"} {
				if enf.Decide(who, c.Permission, "demo-fra/x").Allowed {
					granted = true
				}
			}
			if !granted {
				t.Errorf("%q: permission %q is granted by no default role to anyone", c.Name, c.Permission)
			}
		}
	}
}

// SPEC §3 names these tools; renaming one breaks every MCP client.
func TestSpecToolNames(t *testing.T) {
	reg := Builtin()
	for _, tool := range strings.Fields(`whoami list_providers list_servers get_server start_server stop_server
		reboot_server poweroff_server list_images reinstall_server delete_server get_console list_isos mount_iso
		unmount_iso get_ptr set_ptr reset_ptr list_snapshots create_snapshot list_approvals get_approval query_audit`) {
		if reg.Tool(tool) == nil {
			t.Errorf("SPEC tool %q is not declared", tool)
		}
	}
	for _, name := range []string{"approve", "deny", "confirm", "cancel", "audit verify", "audit export"} {
		if c := reg.Lookup(name); c == nil || c.Tool != "" {
			t.Errorf("%q must exist and must not be an MCP tool", name)
		}
	}
}

func TestUsage(t *testing.T) {
	reg := Builtin()
	for name, want := range map[string]string{
		"reinstall": "reinstall <server> <image> [password=<pw>]",
		"list":      "list [provider] [status=<running|stopped>]",
		"deny":      "deny <id> [reason]",
		"audit":     "audit [server=<server>] [user=<user>] [since=<since>] [limit=<N>]",
	} {
		if got := reg.Lookup(name).Usage(); got != want {
			t.Errorf("usage of %s = %q, want %q", name, got, want)
		}
	}
}
