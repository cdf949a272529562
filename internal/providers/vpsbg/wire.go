package vpsbg

import (
	"bytes"
	"encoding/json"
)

// Wire shapes of the VPSBG API, decoded tolerantly: every field the
// driver does not need is left out, and optional objects are pointers.

type apiServer struct {
	ID          int64     `json:"id"`
	Hostname    string    `json:"hostname"`
	Plan        *apiPlan  `json:"plan"`
	Status      string    `json:"status"` // billing: active, processing, suspended, terminated
	Locked      bool      `json:"locked"`
	CreatedAt   string    `json:"created_at"`
	ExpiryAt    string    `json:"expiry_at"`
	ServerImage *apiImage `json:"server_image"`
	IPAddresses []apiIP   `json:"ip_addresses"`
	// State is the live object of GET /servers/{id}; seen only in real
	// client code, so optional.
	State *apiState `json:"state"`
}

// serverEnvelope accepts GET /servers/{id} at top level (as documented)
// or wrapped in "data" (as Laravel resources often are).
type serverEnvelope struct {
	apiServer
	Data *apiServer `json:"data"`
}

func (e *serverEnvelope) server() *apiServer {
	if e.Data != nil {
		return e.Data
	}
	return &e.apiServer
}

type apiPlan struct {
	Name   string  `json:"name"`
	VCPUs  int     `json:"vcpus"`
	Memory float64 `json:"memory"` // GB
	Disk   float64 `json:"disk"`   // GB
}

type apiImage struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Group *struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"group"`
}

type apiIP struct {
	ID        int64  `json:"id"`
	IPAddress string `json:"ip_address"`
	Prefix    int    `json:"prefix"`
	Version   int    `json:"version"`
	Main      bool   `json:"main"`
	// PTR is null, a hostname, or for an IPv6 subnet a map of address to
	// hostname.
	PTR json.RawMessage `json:"ptr"`
}

type apiState struct {
	Running *bool `json:"running"`
}

type apiStatus struct {
	Running          *bool     `json:"running"`
	Suspended        bool      `json:"suspended"`
	NetworkSuspended bool      `json:"network_suspended"`
	RescueMode       bool      `json:"rescue_mode"`
	CPU              *apiUsage `json:"cpu"`
	Disk             *apiUsage `json:"disk"`
	Bandwidth        *apiUsage `json:"bandwidth"`
}

type apiUsage struct {
	Used  *float64 `json:"used"`
	Limit *float64 `json:"limit"`
}

// statusEnvelope accepts /status bare or wrapped in "data" (UNVERIFIED).
type statusEnvelope struct {
	apiStatus
	Data *apiStatus `json:"data"`
}

func (e *statusEnvelope) status() *apiStatus {
	if e.Data != nil {
		return e.Data
	}
	return &e.apiStatus
}

type apiMetric struct {
	Timestamp  int64    `json:"timestamp"`
	NetworkIn  *float64 `json:"network_in"`  // MB/s
	NetworkOut *float64 `json:"network_out"` // MB/s
}

type apiBandwidth struct {
	DailyUsage []struct {
		Incoming float64 `json:"incoming"` // GB (UNVERIFIED unit)
		Outgoing float64 `json:"outgoing"`
	} `json:"daily_usage"`
}

type apiSnapshot struct {
	ID        int64   `json:"id"`
	ServerID  int64   `json:"server_id"`
	Name      string  `json:"name"`
	CreatedAt string  `json:"created_at"`
	Size      float64 `json:"size"` // GB
}

// page is one page of a Laravel paginated list. It also accepts a bare
// array (one page, nothing more), as real client code does for some
// endpoints.
type page[T any] struct {
	Data  []T
	Next  bool // another page follows
	found bool // the answer had a data array
}

func (p *page[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		p.found = true
		return json.Unmarshal(b, &p.Data)
	}
	var raw struct {
		Data  *[]T `json:"data"`
		Links *struct {
			Next *string `json:"next"`
		} `json:"links"`
		Meta *struct {
			CurrentPage int `json:"current_page"`
			LastPage    int `json:"last_page"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw.Data != nil {
		p.Data, p.found = *raw.Data, true
	}
	switch {
	case raw.Meta != nil && raw.Meta.LastPage > 0:
		p.Next = raw.Meta.CurrentPage < raw.Meta.LastPage
	case raw.Links != nil:
		p.Next = raw.Links.Next != nil
	}
	return nil
}
