package vpsbg

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// Status benchmarks. GetServer makes four requests (details, status,
// metrics, bandwidth; concurrently), so it is compared with the same four
// made with bare net/http; the driver's one-request status read is
// compared with the bare single request. All use one keep-alive client.
//
//	go test -run '^$' -bench 'Status' -benchtime 2000x ./internal/providers/vpsbg/

func benchSetup(b *testing.B) (*Driver, *vpsbgtest.Server, *http.Client) {
	b.Helper()
	srv := vpsbgtest.New()
	b.Cleanup(srv.Close)
	client := defaultHTTPClient()
	d, err := New(Config{Token: vpsbgtest.DefaultWriteToken, BaseURL: srv.URL, HTTPClient: client})
	if err != nil {
		b.Fatal(err)
	}
	return d, srv, client
}

// BenchmarkStatusVPSBG is GetServer through the driver: four requests.
func BenchmarkStatusVPSBG(b *testing.B) {
	d, _, _ := benchSetup(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.GetServer(ctx, vpsbgtest.RunningID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusRequestVPSBG is the driver's single-request status read
// (what Operations poll, and one quarter of GetServer).
func BenchmarkStatusRequestVPSBG(b *testing.B) {
	d, _, _ := benchSetup(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.status(ctx, 2864); err != nil {
			b.Fatal(err)
		}
	}
}

// bareGet is one request as a hand-written client would make it.
func bareGet(b *testing.B, client *http.Client, u string, out any) {
	req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+vpsbgtest.DefaultWriteToken)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	if err := json.Unmarshal(body, out); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStatusBareHTTPVPSBG is GET /servers/{id}/status with plain
// net/http.
func BenchmarkStatusBareHTTPVPSBG(b *testing.B) {
	_, srv, client := benchSetup(b)
	u := srv.URL + "/servers/2864/status"
	b.ReportAllocs()
	for b.Loop() {
		var st apiStatus
		bareGet(b, client, u, &st)
	}
}

// BenchmarkStatusBareHTTP4VPSBG makes GetServer's four requests with
// plain net/http, concurrently as the driver does.
func BenchmarkStatusBareHTTP4VPSBG(b *testing.B) {
	_, srv, client := benchSetup(b)
	now := time.Now().UTC()
	base := srv.URL + "/servers/2864"
	metrics := base + "/metrics?" + url.Values{"filter[month]": {strconv.Itoa(int(now.Month()))}, "filter[year]": {strconv.Itoa(now.Year())}}.Encode()
	bw := base + "/bandwidth?" + url.Values{"filter[start]": {"0"}, "filter[end]": {strconv.FormatInt(now.Unix(), 10)}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		var st apiStatus
		var m page[apiMetric]
		var bwv apiBandwidth
		wg.Go(func() { bareGet(b, client, base+"/status", &st) })
		wg.Go(func() { bareGet(b, client, metrics, &m) })
		wg.Go(func() { bareGet(b, client, bw, &bwv) })
		var s apiServer
		bareGet(b, client, base, &s)
		wg.Wait()
	}
}
