package commands

import "github.com/vpsops/vpsops/internal/providers/driver"

// serverArg is the target of every command on one server.
var serverArg = Arg{Name: "server", Kind: KindServer, Required: true, Positional: true, Help: "server: provider/id, hostname or alias"}

// Builtin returns the registry of every command, in help order. It is the
// single declaration Slack, Discord, the shell and MCP all render.
func Builtin() *Registry {
	cmds := []*Command{
		helpCmd(), whoamiCmd(), providersCmd(), listCmd(), statusCmd(),
		powerCmd("start", "Start a server", "start_server", driver.PowerStart, Change),
		powerCmd("stop", "Shut a server down gracefully (ACPI)", "stop_server", driver.PowerStop, Change),
		powerCmd("reboot", "Reboot a server", "reboot_server", driver.PowerReboot, Change),
		powerCmd("poweroff", "Cut a server's power (hard, like pulling the plug)", "poweroff_server", driver.PowerOff, Destructive),
		powerCmd("reset", "Hard-reset a server (like pressing the reset button)", "reset_server", driver.PowerHardReset, Destructive),
		imagesCmd(), reinstallCmd(), deleteCmd(), consoleCmd(), loginCmd(),
		isosCmd(), isoMountCmd(), isoUnmountCmd(),
		ptrCmd(), ptrSetCmd(), ptrResetCmd(),
		snapshotsCmd(), snapshotCreateCmd(),
		approvalsCmd(), approvalCmd(), approveCmd(), denyCmd(), confirmCmd(), cancelCmd(),
		auditCmd(), auditVerifyCmd(), auditExportCmd(),
	}
	r, err := NewRegistry(cmds)
	if err != nil {
		panic(err) // a duplicate declaration is a programming error caught by every test
	}
	return r
}
