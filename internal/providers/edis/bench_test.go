package edis_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// BenchmarkStatusEDIS is a status call through the driver: GetServer makes
// three requests at once (get/power, get/traffic, get/cpu_usage) on a
// cached session. Compare with BenchmarkStatusBareHTTP3EDIS (the same
// three requests with bare net/http); BenchmarkStatusOneRequestEDIS is the
// driver's one-request path, to compare with BenchmarkStatusBareHTTPEDIS.
func BenchmarkStatusEDIS(b *testing.B) {
	e := newEnv(b, nil)
	if _, err := e.d.GetServer(b.Context(), edistest.RunningID); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.d.GetServer(b.Context(), edistest.RunningID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusOneRequestEDIS lists an instance limited to one VPS:
// one get/power request through the driver's session, call and decode path.
func BenchmarkStatusOneRequestEDIS(b *testing.B) {
	e := newEnv(b, func(c *edis.Config) { c.KVMIDs = []string{edistest.RunningID} })
	if _, err := e.d.ListServers(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.d.ListServers(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}

// bareStatus is one get/power made with plain net/http on the same
// keep-alive client, decoding the answer.
func bareStatus(b *testing.B, c *http.Client, u, body string) {
	req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Data   string `json:"data"`
	}
	if err != nil || json.Unmarshal(raw, &r) != nil || r.Status != "success" {
		b.Fatalf("bare request failed: %v %s", err, raw)
	}
}

func bareSetup(b *testing.B) (*edistest.Server, string, string) {
	srv := edistest.New()
	b.Cleanup(srv.Close)
	host, fields := rawLoginB(b, srv)
	return srv, "http://" + host, fields
}

func BenchmarkStatusBareHTTPEDIS(b *testing.B) {
	srv, api, fields := bareSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		bareStatus(b, srv.Client(), api+"/kvm/v2/get/power", fields)
	}
}

// BenchmarkStatusBareHTTP3EDIS makes GetServer's three requests at once
// with bare net/http.
func BenchmarkStatusBareHTTP3EDIS(b *testing.B) {
	srv, api, fields := bareSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		for _, p := range []string{"/kvm/v2/get/traffic", "/kvm/v2/get/cpu_usage"} {
			wg.Go(func() { bareStatus(b, srv.Client(), api+p, fields) })
		}
		bareStatus(b, srv.Client(), api+"/kvm/v2/get/power", fields)
		wg.Wait()
	}
}

// BenchmarkLoginsEDIS runs status commands from 8 concurrent callers and
// reports logins per 1,000 commands (target: one per session lifetime,
// i.e. 1000/b.N per thousand here, since the whole run is one lifetime).
func BenchmarkLoginsEDIS(b *testing.B) {
	e := newEnv(b, nil)
	b.SetParallelism(max(1, 8/runtimeProcs()))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.d.ListServers(b.Context()); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(e.srv.Logins())*1000/float64(b.N), "logins/1000cmds")
	b.ReportMetric(float64(e.srv.Logins()), "logins")
}
