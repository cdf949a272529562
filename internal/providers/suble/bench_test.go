package suble_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// BenchmarkStatusSuble is GetServer through the driver with a warm
// listing: one status request per call (the listing is reused for
// MetadataTTL, so its request is amortised away here; a cold GetServer
// makes two).
func BenchmarkStatusSuble(b *testing.B) {
	srv := newEmu(b, subletest.WithSteps(0))
	d := newDriver(b, srv)
	ctx := b.Context()
	if _, err := d.GetServer(ctx, subletest.RunningID); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.GetServer(ctx, subletest.RunningID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusBareHTTPSuble is the same status request made with plain
// net/http on the same keep-alive client, decoded the same way.
func BenchmarkStatusBareHTTPSuble(b *testing.B) {
	srv := newEmu(b, subletest.WithSteps(0))
	client := srv.Client()
	ctx := b.Context()
	url := srv.URL + vpsPath(subletest.RunningID, "status")
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+subletest.Token)
		req.Header.Set("Permission", "READ_VPS")
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("status: %d %v", resp.StatusCode, err)
		}
		var st struct {
			Status string  `json:"status"`
			Uptime string  `json:"uptime"`
			CPU    float64 `json:"cpu"`
			CPUs   int     `json:"cpus"`
			Memory struct {
				UsedMB, Total, Percent float64
			} `json:"memory"`
			Disk    float64 `json:"disk"`
			MaxDisk float64 `json:"maxdisk"`
		}
		if err := json.Unmarshal(body, &st); err != nil {
			b.Fatal(err)
		}
	}
}
