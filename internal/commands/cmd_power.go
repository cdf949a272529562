package commands

import (
	"context"
	"fmt"
	"reflect"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// endState is the status a power action leaves a server in.
var endState = map[driver.PowerAction]driver.Status{
	driver.PowerStart:     driver.StatusRunning,
	driver.PowerStop:      driver.StatusStopped,
	driver.PowerReboot:    driver.StatusRunning,
	driver.PowerOff:       driver.StatusStopped,
	driver.PowerHardReset: driver.StatusRunning,
}

// powerDanger words what the hard power actions do to a running guest.
var powerDanger = map[driver.PowerAction]string{
	driver.PowerOff:       "Like pulling the plug: unsaved data in the guest is lost.",
	driver.PowerHardReset: "Like pressing the reset button: unsaved data in the guest is lost.",
}

func powerCmd(name, summary, tool string, action driver.PowerAction, risk Risk) *Command {
	return &Command{
		Name: name, Summary: summary, Tool: tool, Permission: "server.power", Risk: risk,
		Needs: driver.CapPower, Power: action, Args: []Arg{serverArg}, Danger: powerDanger[action],
		Idempotent: action == driver.PowerStart || action == driver.PowerStop || action == driver.PowerOff,
		Output:     reflect.TypeFor[PowerChange](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.Power(ctx, inv.ServerID, action)
			if err != nil {
				return Result{}, err
			}
			if err := inv.Wait(ctx, op); err != nil {
				return Result{}, err
			}
			res, status := finalState(ctx, inv, fmt.Sprintf("%s: %s done", inv.Target, name), endState[action])
			res.Data = PowerChange{ServerChange: changeOf(inv), Status: status, Expected: string(endState[action])}
			return res, nil
		},
	}
}

// finalState reads the server after an operation and reports its state,
// noting when it is not (yet) what the action should have left. It also
// returns the status for the result's data: unknown when the read-back
// failed (the action itself succeeded).
func finalState(ctx context.Context, inv *Invocation, title string, want driver.Status) (Result, string) {
	s, err := inv.Provider.GetServer(ctx, inv.ServerID)
	if err != nil {
		return Result{Title: title, Notes: []string{"could not read the state back: " + safeMessage(err)}}, unknownStatus
	}
	res := Result{Title: fmt.Sprintf("%s — now %s", title, statusWord(*s))}
	if want != "" && s.Status != want {
		res.Notes = append(res.Notes, fmt.Sprintf("the provider reports %s, not yet %s; check again with `status %s`", s.Status, want, inv.Target))
	}
	return res, string(s.Status)
}
