package edis

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// rawResponse keeps every top-level field of an answer, for the usage
// calls whose field names are not documented.
type rawResponse struct {
	envelope
	fields map[string]json.RawMessage
}

func (r *rawResponse) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &r.fields); err != nil {
		return err
	}
	// The envelope's fields are among them; a status that is not a
	// string leaves Status empty, which post reports as a refusal.
	_ = json.Unmarshal(r.fields["status"], &r.Status)
	r.Msg, r.Message = r.fields["msg"], r.fields["message"]
	return nil
}

// series is one Chart.js dataset: a label and its values.
type series struct {
	Label string
	Data  []float64
}

// last is the final value of s, and whether it has one.
func (s series) last() (float64, bool) {
	if len(s.Data) == 0 {
		return 0, false
	}
	return s.Data[len(s.Data)-1], true
}

// trafficUsage reads get/traffic: this month's cumulative traffic and the
// included allowance, in GB.
func (d *Driver) trafficUsage(ctx context.Context, id string) ([]driver.Metric, error) {
	var r rawResponse
	if err := d.call(ctx, id, epTraffic, nil, &r); err != nil {
		return nil, err
	}
	all := chartSeries(r.fields)
	var out []driver.Metric
	if v, ok := find(all, labelTrafficUsed); ok {
		out = append(out, driver.Metric{Name: "traffic_month", Value: v, Unit: "GB"})
	}
	if v, ok := find(all, labelTrafficIncluded); ok {
		out = append(out, driver.Metric{Name: "traffic_included", Value: v, Unit: "GB"})
	}
	if len(out) == 0 {
		return nil, fault.Errorf(fault.Unavailable, "unrecognised traffic data from EDIS for %s", id)
	}
	return out, nil
}

// cpuUsage reads get/cpu_usage: the latest CPU figure in percent.
func (d *Driver) cpuUsage(ctx context.Context, id string) ([]driver.Metric, error) {
	var r rawResponse
	if err := d.call(ctx, id, epCPU, nil, &r); err != nil {
		return nil, err
	}
	all := chartSeries(r.fields)
	v, ok := find(all, labelCPU)
	if !ok && len(all) == 1 {
		v, ok = all[0].last()
	}
	if !ok {
		return nil, fault.Errorf(fault.Unavailable, "unrecognised CPU usage data from EDIS for %s", id)
	}
	return []driver.Metric{{Name: "cpu", Value: v, Unit: "%"}}, nil
}

// find returns the last value of the first series whose label contains
// fragment (case-insensitive).
func find(all []series, fragment string) (float64, bool) {
	for _, s := range all {
		if strings.Contains(strings.ToLower(s.Label), fragment) {
			if v, ok := s.last(); ok {
				return v, true
			}
		}
	}
	return 0, false
}

// chartSeries collects the datasets of every field that holds Chart.js
// data, as an object or as a JSON-encoded string. Fields are visited in
// name order so the result does not depend on map order.
func chartSeries(fields map[string]json.RawMessage) []series {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []series
	for _, k := range keys {
		raw := bytes.TrimSpace(fields[k])
		if len(raw) > 0 && raw[0] == '"' {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				continue
			}
			raw = []byte(s)
		}
		var c struct {
			chartSet
			Datasets []chartSet `json:"datasets"`
		}
		if json.Unmarshal(raw, &c) != nil {
			continue
		}
		for _, ds := range append(c.Datasets, c.chartSet) {
			if ds.Label != "" && len(ds.Data) > 0 {
				out = append(out, series{Label: ds.Label, Data: ds.Data})
			}
		}
	}
	return out
}

// chartSet is a dataset as Chart.js writes it; values may be numbers,
// numeric strings or null (skipped).
type chartSet struct {
	Label string     `json:"label"`
	Data  flexFloats `json:"data"`
}

type flexFloats []float64

func (f *flexFloats) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, r := range raw {
		s := strings.Trim(string(r), `"`)
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			*f = append(*f, v)
		}
	}
	return nil
}
