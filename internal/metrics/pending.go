package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpsops/vpsops/internal/approval"
)

// Lister is the part of the approval store the pending gauge reads.
type Lister interface {
	Count(ctx context.Context, states ...approval.State) (map[approval.State]int, error)
}

// waiting are the states a request waits in for a person.
var waiting = []approval.State{approval.Confirming, approval.Pending}

// scrapeBudget bounds one read of the store at scrape time, under
// Prometheus's default scrape timeout (10 s).
const scrapeBudget = 5 * time.Second

// CountApprovals adds vpsops_approvals_pending{state}: the requests
// waiting for their requester's confirmation (confirming) or an approver
// (pending), read from the store at every scrape. The store is shared, so
// the figure is the cluster's, the same from every replica: alert on max,
// not sum, across replicas.
func (m *Metrics) CountApprovals(store Lister) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(&pendingCollector{store: store, desc: prometheus.NewDesc(
		"vpsops_approvals_pending",
		"Gated requests waiting now, cluster-wide: for the requester's confirmation (confirming) or an approver (pending).",
		[]string{"state"}, nil)})
}

type pendingCollector struct {
	store Lister
	desc  *prometheus.Desc
}

func (c *pendingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect counts the waiting requests. When the store cannot be read the
// gauge is left out of the scrape (an invalid metric, which the handler
// logs), rather than reported as zero: "nothing waits" would be a lie.
func (c *pendingCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeBudget)
	defer cancel()
	n, err := c.store.Count(ctx, waiting...)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, s := range waiting {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n[s]), string(s))
	}
}
