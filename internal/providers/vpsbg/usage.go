package vpsbg

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// statusUsage turns /status's figures into metrics: cpu in percent, disk
// and this period's bandwidth in GB. A bandwidth limit of 0 means
// unmetered and is left out.
func statusUsage(st *apiStatus) []driver.Metric {
	var out []driver.Metric
	add := func(name string, v *float64, unit string) {
		if v != nil {
			out = append(out, driver.Metric{Name: name, Value: *v, Unit: unit})
		}
	}
	if st.CPU != nil {
		add("cpu", st.CPU.Used, "%")
	}
	if st.Disk != nil {
		add("disk_used", st.Disk.Used, "GB")
		add("disk_limit", st.Disk.Limit, "GB")
	}
	if st.Bandwidth != nil {
		add("bandwidth_used", st.Bandwidth.Used, "GB")
		if l := st.Bandwidth.Limit; l != nil && *l > 0 {
			add("bandwidth_limit", l, "GB")
		}
	}
	return out
}

// networkUsage is the newest /metrics sample of the current month:
// network throughput in MB/s. A month without samples yet gives none.
func (d *Driver) networkUsage(ctx context.Context, id int64) ([]driver.Metric, error) {
	now := d.cfg.Clock().UTC()
	q := url.Values{
		"filter[month]": {strconv.Itoa(int(now.Month()))},
		"filter[year]":  {strconv.Itoa(now.Year())},
	}
	var p page[apiMetric]
	err := d.do(ctx, call{method: http.MethodGet, path: serverPath(id) + "/metrics", query: q,
		action: "read the metrics of " + serverWhat(id), what: serverWhat(id)}, &p)
	if err != nil {
		return nil, err
	}
	if len(p.Data) == 0 {
		return nil, nil
	}
	newest := p.Data[0] // the API lists newest first; do not rely on it blindly
	for _, m := range p.Data[1:] {
		if m.Timestamp > newest.Timestamp {
			newest = m
		}
	}
	var out []driver.Metric
	if newest.NetworkIn != nil {
		out = append(out, driver.Metric{Name: "net_in", Value: *newest.NetworkIn, Unit: "MB/s"})
	}
	if newest.NetworkOut != nil {
		out = append(out, driver.Metric{Name: "net_out", Value: *newest.NetworkOut, Unit: "MB/s"})
	}
	return out, nil
}

// trafficUsage sums /bandwidth's daily figures from the start of the
// current month (UTC) until now: traffic in and out in GB.
func (d *Driver) trafficUsage(ctx context.Context, id int64) ([]driver.Metric, error) {
	now := d.cfg.Clock().UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	q := url.Values{
		"filter[start]": {strconv.FormatInt(start.Unix(), 10)},
		"filter[end]":   {strconv.FormatInt(now.Unix(), 10)},
	}
	var bw apiBandwidth
	err := d.do(ctx, call{method: http.MethodGet, path: serverPath(id) + "/bandwidth", query: q,
		action: "read the bandwidth of " + serverWhat(id), what: serverWhat(id)}, &bw)
	if err != nil {
		return nil, err
	}
	var in, out float64
	for _, day := range bw.DailyUsage {
		in += day.Incoming
		out += day.Outgoing
	}
	return []driver.Metric{
		{Name: "traffic_in_month", Value: in, Unit: "GB"},
		{Name: "traffic_out_month", Value: out, Unit: "GB"},
	}, nil
}
