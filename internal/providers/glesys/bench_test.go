package glesys_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// BenchmarkStatusGlesys is one status read through the driver: GetServer
// is a single server/details call.
func BenchmarkStatusGlesys(b *testing.B) {
	srv := newEmulator(b)
	d := newDriver(b, srv)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.GetServer(ctx, glesystest.RunningID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusBareHTTPGlesys is the same request with plain net/http
// on the same keep-alive client, decoding the fields a status needs.
func BenchmarkStatusBareHTTPGlesys(b *testing.B) {
	srv := newEmulator(b)
	client := srv.Client()
	body := []byte(`{"serverid":"` + glesystest.RunningID + `","includestate":true}`)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/server/details", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.SetBasicAuth(glesystest.Project, glesystest.APIKey)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			Response struct {
				Status struct {
					Code int `json:"code"`
				} `json:"status"`
				Server struct {
					IsRunning bool `json:"isrunning"`
					IsLocked  bool `json:"islocked"`
				} `json:"server"`
			} `json:"response"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || out.Response.Status.Code != 200 {
			b.Fatalf("status %d, %v", out.Response.Status.Code, err)
		}
	}
}
