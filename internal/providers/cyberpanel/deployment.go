package cyberpanel

import (
	"context"
	"fmt"
	"net/http"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// deploymentState is GET /vps/{id}/deployment.
type deploymentState struct {
	DeploymentStatus string  `json:"deployment_status"`
	VPSStatus        string  `json:"vps_status"`
	CurrentTask      *string `json:"current_task"`
	ProgressPercent  int     `json:"progress_percent"`
	TasksCompleted   int     `json:"tasks_completed"`
	TasksTotal       int     `json:"tasks_total"`
	IsReady          bool    `json:"is_ready"`
}

// WaitDeployment returns an Operation following the deployment of a new
// server (tasks validate_resources … finalize) with the API's own
// percentage, until it is ready or fails. A server whose deployment has
// finished yields an Operation that ends at its first poll. It is not part
// of the driver contract (vpsops does not create servers); it is here for
// a future "create" command and for servers seen as deploying.
func (d *Driver) WaitDeployment(ctx context.Context, id string) (*driver.Operation, error) {
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	c := call{method: http.MethodGet, path: pathDeployment(id), scope: "vps:read", what: "the deployment of " + what}
	first := new(deploymentState)
	if err := d.do(ctx, c, first); err != nil {
		return nil, err
	}
	desc := "deploy " + what
	return d.operation(desc, func(ctx context.Context) (driver.Progress, bool, error) {
		st := first
		first = nil // PollUntil calls check from one goroutine
		if st == nil {
			st = new(deploymentState)
			if err := d.do(ctx, c, st); err != nil {
				return driver.Progress{}, false, err
			}
		}
		p := driver.Progress{Percent: min(max(st.ProgressPercent, 0), 100), Status: st.DeploymentStatus, At: d.now()}
		task := "finishing"
		if st.CurrentTask != nil && *st.CurrentTask != "" {
			task = *st.CurrentTask
		}
		p.Message = fmt.Sprintf("%s: %s (%d/%d tasks)", desc, task, st.TasksCompleted, st.TasksTotal)
		switch {
		case st.IsReady:
			p.Percent, p.Message = 100, desc+": ready"
			return p, true, nil
		case deploymentFailed(st.DeploymentStatus):
			return p, false, driver.Final(fault.Errorf(fault.Unavailable, "deployment of %s failed at %s", what, task))
		}
		return p, false, nil
	}), nil
}
