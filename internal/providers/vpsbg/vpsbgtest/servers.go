package vpsbgtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listServers is GET /servers: filter[status] (default active,suspended),
// filter[search] (hostname or IP substring), page and per_page.
func (s *Server) listServers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	statuses := []string{"active", "suspended"}
	if v := q.Get("filter[status]"); v != "" {
		statuses = strings.Split(v, ",")
	}
	search := q.Get("filter[search]")
	s.mu.Lock()
	ids := make([]int, 0, len(s.servers))
	for id := range s.servers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	items := make([]serverJSON, 0, len(ids))
	for _, id := range ids {
		sv := s.servers[id]
		if !slices.Contains(statuses, sv.Status) || search != "" && !sv.matches(search) {
			continue
		}
		items = append(items, s.json(sv, false))
	}
	s.mu.Unlock()
	if p, ok := paginate(w, r, items, s.o.maxPerPage); ok {
		writeJSON(w, http.StatusOK, p)
	}
}

func (sv *server) matches(search string) bool {
	if strings.Contains(sv.Hostname, search) {
		return true
	}
	return slices.ContainsFunc(sv.IPs, func(ip *ipAddress) bool { return strings.Contains(ip.Address, search) })
}

// getServer is GET /servers/{id}: the model at top level, with state.
func (s *Server) getServer(w http.ResponseWriter, _ *http.Request, sv *server) {
	s.observe(sv)
	writeJSON(w, http.StatusOK, s.json(sv, true))
}

type statusJSON struct {
	Running          bool     `json:"running"`
	Suspended        bool     `json:"suspended"`
	NetworkSuspended bool     `json:"network_suspended"`
	RescueMode       bool     `json:"rescue_mode"`
	DNSResolvers     []string `json:"dns_resolvers"`
	CPU              struct {
		Used float64 `json:"used"`
		Free float64 `json:"free"`
	} `json:"cpu"`
	Disk struct {
		Used  float64 `json:"used"`
		Limit float64 `json:"limit"`
	} `json:"disk"`
	Bandwidth struct {
		Used  float64 `json:"used"`
		Limit float64 `json:"limit"`
	} `json:"bandwidth"`
}

// getStatus is GET /servers/{id}/status, unwrapped (the reference could
// not tell; the driver accepts both).
func (s *Server) getStatus(w http.ResponseWriter, _ *http.Request, sv *server) {
	s.observe(sv)
	var st statusJSON
	st.Running = sv.running
	st.Suspended = sv.Status == "suspended"
	st.RescueMode = sv.rescue
	st.DNSResolvers = []string{"1.1.1.1", "8.8.8.8"}
	st.CPU.Used = sv.cpuNow()
	st.CPU.Free = 100 - st.CPU.Used
	st.Disk.Used, st.Disk.Limit = sv.diskUsed, float64(sv.Plan.Disk)
	st.Bandwidth.Used, st.Bandwidth.Limit = sv.bandwidthUsed, sv.bandwidthLimit
	writeJSON(w, http.StatusOK, st)
}

type metricJSON struct {
	Timestamp  int64   `json:"timestamp"`
	Running    bool    `json:"running"`
	CPU        float64 `json:"cpu"`
	NetworkIn  float64 `json:"network_in"`
	NetworkOut float64 `json:"network_out"`
	Disk       float64 `json:"disk"`
	IORead     float64 `json:"io_read"`
	IOWrite    float64 `json:"io_write"`
}

// getMetrics is GET /servers/{id}/metrics?filter[month]=&filter[year]=:
// three samples of the month asked, newest first.
func (s *Server) getMetrics(w http.ResponseWriter, r *http.Request, sv *server) {
	q := r.URL.Query()
	month, year := 9, 2024
	if v := q.Get("filter[month]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 12 {
			writeInvalid(w, "filter.month", "The filter.month field must be between 1 and 12.")
			return
		}
		month = n
	}
	if v := q.Get("filter[year]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			writeInvalid(w, "filter.year", "The filter.year field must be a valid year.")
			return
		}
		year = n
	}
	start := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC).Unix()
	data := []metricJSON{}
	for i := 2; i >= 0; i-- {
		m := metricJSON{Timestamp: start + int64(i)*300, Running: sv.running}
		if sv.running {
			m.CPU, m.NetworkIn, m.NetworkOut, m.IORead, m.IOWrite = sv.cpu-float64(i)/10, 0.02, 0.11, 0.3, 1.2
		}
		data = append(data, m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// getBandwidth is GET /servers/{id}/bandwidth?filter[start]=&filter[end]=
// (unix seconds): the period's total and daily figures in GB.
func (s *Server) getBandwidth(w http.ResponseWriter, r *http.Request, sv *server) {
	q := r.URL.Query()
	bound := func(key string, def int64) (int64, bool) {
		v := q.Get(key)
		if v == "" {
			return def, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeInvalid(w, key, "The "+key+" field must be a unix timestamp.")
			return 0, false
		}
		return n, true
	}
	start, ok := bound("filter[start]", 0)
	if !ok {
		return
	}
	end, ok := bound("filter[end]", 1<<62)
	if !ok {
		return
	}
	if end < start {
		writeInvalid(w, "filter[end]", "The filter[end] field must be after filter[start].")
		return
	}
	days := []dailyUsage{}
	for _, d := range bandwidthDays(sv) {
		if d.Timestamp >= start && d.Timestamp <= end {
			days = append(days, d)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"limit": sv.bandwidthLimit, "used": sv.bandwidthUsed, "daily_usage": days})
}

// bandwidthDays is the reference's example day and the one before it.
func bandwidthDays(sv *server) []dailyUsage {
	if sv.bandwidthUsed == 0 {
		return nil
	}
	return []dailyUsage{
		{Timestamp: 1727568000, Incoming: 2.2, Outgoing: 5.7},
		{Timestamp: 1727654400, Incoming: 1.8, Outgoing: 6.3},
	}
}
