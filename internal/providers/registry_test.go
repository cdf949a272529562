package providers

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

func TestNewRegistry(t *testing.T) {
	mk := func(name string) *Provider { return New(name, "fake", &fake{}, Options{}) }
	tests := []struct {
		name    string
		ps      []*Provider
		wantErr string
	}{
		{"sorted", []*Provider{mk("b"), mk("a"), mk("c")}, ""},
		{"duplicate", []*Provider{mk("a"), mk("b"), mk("a")}, `provider name "a" is configured twice`},
		{"empty name", []*Provider{mk("")}, "provider name is empty"},
		{"slash", []*Provider{mk("a/b")}, "has a character outside"},
		{"colon", []*Provider{mk("a:b")}, "has a character outside"},
		{"nil", []*Provider{nil}, "nil provider"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRegistry(tc.ps...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Names(); !slices.Equal(got, []string{"a", "b", "c"}) {
				t.Fatalf("names %v, want sorted", got)
			}
			if p, ok := r.Get("b"); !ok || p.Name() != "b" {
				t.Fatal("Get(b) failed")
			}
			if _, ok := r.Get("z"); ok {
				t.Fatal("Get(z) found a provider")
			}
		})
	}
}

// rendezvous lists only once every provider sharing it has started
// listing, so ListAll passes only if it lists them at the same time.
type rendezvous struct {
	arrived *sync.WaitGroup
	servers []driver.Server
}

func (r rendezvous) ListServers(ctx context.Context) ([]driver.Server, error) {
	r.arrived.Done()
	all := make(chan struct{})
	go func() { r.arrived.Wait(); close(all) }()
	select {
	case <-all:
		return r.servers, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r rendezvous) GetServer(context.Context, string) (*driver.Server, error) {
	return nil, fault.Errorf(fault.NotFound, "no such server")
}

// TestListAllPartial lists two healthy providers that only answer when
// both are asked at once, one that fails and one that hangs past its
// timeout: the healthy ones' servers come back sorted, the other two as
// failures.
func TestListAllPartial(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	fast := Options{Timeout: 10 * time.Second}
	r, err := NewRegistry(
		New("zeta", "fake", rendezvous{&wg, []driver.Server{{ID: "2", Name: "b"}, {ID: "1", Name: "a"}}}, fast),
		New("alpha", "fake", rendezvous{&wg, []driver.Server{{ID: "9", Name: "m"}}}, fast),
		New("broken", "fake", &fake{errs: []error{
			fault.Errorf(fault.Unauthenticated, "bad token"), fault.Errorf(fault.Unauthenticated, "bad token"),
		}}, fast),
		New("slow", "fake", &fake{block: true}, Options{Timeout: 20 * time.Millisecond}),
	)
	if err != nil {
		t.Fatal(err)
	}
	got, fails := r.ListAll(t.Context(), "")
	var refs []string
	for _, l := range got {
		refs = append(refs, l.Ref()+"="+l.Name)
	}
	if want := []string{"alpha/9=m", "zeta/1=a", "zeta/2=b"}; !slices.Equal(refs, want) {
		t.Fatalf("servers %v, want %v", refs, want)
	}
	if len(fails) != 2 || fails[0].Provider != "broken" || fails[1].Provider != "slow" {
		t.Fatalf("failures %+v, want broken and slow", fails)
	}
	if fault.ClassOf(fails[0].Err) != fault.Unauthenticated || !strings.Contains(fails[1].Err.Error(), "timed out after 20ms") {
		t.Fatalf("failures %v / %v", fails[0].Err, fails[1].Err)
	}

	only, fails := r.ListAll(t.Context(), "broken")
	if len(only) != 0 || len(fails) != 1 {
		t.Fatalf("ListAll(broken): %v %v", only, fails)
	}
	_, fails = r.ListAll(t.Context(), "nope")
	if len(fails) != 1 || fault.ClassOf(fails[0].Err) != fault.NotFound || !strings.Contains(fails[0].Err.Error(), "configured: alpha, broken, slow, zeta") {
		t.Fatalf("ListAll(nope): %v", fails)
	}
}

// demoRegistry is two demo instances that both have a "web-1".
func demoRegistry(t *testing.T) *Registry {
	t.Helper()
	r, err := NewRegistry(
		New("demo-nyc", "demo", demo.New(demo.Config{Name: "demo-nyc"}), Options{}),
		New("demo-fra", "demo", demo.New(demo.Config{Name: "demo-fra"}), Options{}),
	)
	if err != nil {
		t.Fatal(err)
	}
	r.SetAliases(map[string]string{"Primary-DB": "demo-fra/fra-103", "broken": "nowhere/x", "bad": "demo-fra"})
	return r
}

func TestResolve(t *testing.T) {
	r := demoRegistry(t)
	tests := []struct {
		ref       string
		want      string // "provider/id" on success
		wantClass fault.Class
		wantMsg   string
	}{
		{ref: "demo-fra/fra-101", want: "demo-fra/fra-101"},
		{ref: "demo-fra/fra-999", want: "demo-fra/fra-999"}, // not fetched
		{ref: "primary-db", want: "demo-fra/fra-103"},
		{ref: "API-1", want: "demo-nyc/nyc-202"},
		{ref: "build-1", want: "demo-fra/fra-104"},
		{ref: "web-1", wantClass: fault.Invalid, wantMsg: "ambiguous: web-1 matches demo-fra/fra-101, demo-nyc/nyc-201"},
		{ref: "db-1", wantClass: fault.Invalid, wantMsg: "ambiguous: db-1 matches demo-fra/fra-103, demo-nyc/nyc-203"},
		{ref: "mail-1", wantClass: fault.NotFound, wantMsg: "no server named mail-1; try `list`"},
		{ref: "glesys/vm-1", wantClass: fault.NotFound, wantMsg: `no provider named "glesys"; configured: demo-fra, demo-nyc`},
		{ref: "broken", wantClass: fault.NotFound, wantMsg: `alias broken points at "nowhere/x": no provider named "nowhere"`},
		{ref: "bad", wantClass: fault.Invalid, wantMsg: `alias bad points at "demo-fra": malformed server reference "demo-fra"`},
		{ref: "demo-fra/", wantClass: fault.Invalid, wantMsg: "server id is empty"},
		{ref: "/fra-101", wantClass: fault.Invalid, wantMsg: "want provider/id"},
		{ref: "demo-fra/fra 101", wantClass: fault.Invalid, wantMsg: "has a character outside"},
		{ref: "demo-fra/a/b", wantClass: fault.Invalid, wantMsg: "has a character outside"},
		{ref: "web 1", wantClass: fault.Invalid, wantMsg: "malformed server reference"},
		{ref: "", wantClass: fault.Invalid, wantMsg: "empty server reference"},
		{ref: strings.Repeat("w", 254), wantClass: fault.Invalid, wantMsg: "longer than 253"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			p, id, err := r.Resolve(t.Context(), tc.ref)
			if tc.wantClass == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := p.Name() + "/" + id; got != tc.want {
					t.Fatalf("resolved to %s, want %s", got, tc.want)
				}
				return
			}
			if fault.ClassOf(err) != tc.wantClass || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("got %v (%s), want class %s containing %q", err, fault.ClassOf(err), tc.wantClass, tc.wantMsg)
			}
		})
	}
}

// TestResolveNameCache counts listings: names are resolved from one
// listing for 30 s, a miss lists again, and an expired index is rebuilt.
func TestResolveNameCache(t *testing.T) {
	f := &fake{servers: []driver.Server{{ID: "1", Name: "alpha"}}}
	p, _ := newTestProvider("p", f, Options{})
	r, err := NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return now }
	resolve := func(name string, wantCalls int32) {
		t.Helper()
		_, _, _ = r.Resolve(t.Context(), name)
		if got := f.calls.Load(); got != wantCalls {
			t.Fatalf("after resolving %s: %d listings, want %d", name, got, wantCalls)
		}
	}
	resolve("alpha", 1)
	resolve("ALPHA", 1)
	resolve("beta", 2) // a miss is checked against a fresh listing
	now = now.Add(29 * time.Second)
	resolve("alpha", 2)
	now = now.Add(2 * time.Second)
	resolve("alpha", 3)
	resolve("p/1", 3) // a full reference lists nothing
}

// TestResolveWithFailedProvider: when a provider cannot be listed, a
// single match is not trusted (the silent provider may have the same
// name) and a miss says which provider did not answer.
func TestResolveWithFailedProvider(t *testing.T) {
	ok := New("ok", "fake", &fake{servers: []driver.Server{{ID: "1", Name: "alpha"}}}, Options{})
	down := New("down", "fake", &fake{errs: []error{
		fault.Errorf(fault.Unauthenticated, "bad token"), fault.Errorf(fault.Unauthenticated, "bad token"),
	}}, Options{})
	r, err := NewRegistry(ok, down)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Resolve(t.Context(), "alpha")
	if fault.ClassOf(err) != fault.Unavailable || !strings.Contains(err.Error(), "alpha matches ok/1, but could not list down: list servers: bad token") {
		t.Fatalf("unique match with a failed provider: %v", err)
	}
	_, _, err = r.Resolve(t.Context(), "beta")
	if fault.ClassOf(err) != fault.NotFound || !strings.Contains(err.Error(), "could not list down") {
		t.Fatalf("miss with a failed provider: %v", err)
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in, provider, id string
		ok               bool
	}{
		{"edis-fra/kvm_847362_918273", "edis-fra", "kvm_847362_918273", true},
		{"glesys/wps123456", "glesys", "wps123456", true},
		{"demo/a:b.c-d", "demo", "a:b.c-d", true},
		{"demo", "", "", false},
		{"demo/", "", "", false},
		{"/x", "", "", false},
		{"a/b/c", "", "", false},
		{"a:b/c", "", "", false},
		{"demo/" + strings.Repeat("x", 129), "", "", false},
	}
	for _, tc := range tests {
		p, id, ok := ParseRef(tc.in)
		if p != tc.provider || id != tc.id || ok != tc.ok {
			t.Errorf("ParseRef(%q) = %q, %q, %v; want %q, %q, %v", tc.in, p, id, ok, tc.provider, tc.id, tc.ok)
		}
	}
}

// TestDemoThroughWrapper checks the whole stack's wording on a real
// driver: provider, operation and server once, then the driver's message.
func TestDemoThroughWrapper(t *testing.T) {
	r := demoRegistry(t)
	p, _ := r.Get("demo-fra")
	_, err := p.GetServer(t.Context(), "fra-999")
	if want := "demo-fra: get server fra-999: no such server"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	_, err = p.Power(t.Context(), "fra-101", driver.PowerStart)
	if want := "demo-fra: power start fra-101: already running"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

// TestResolveConcurrent resolves names from many goroutines while the
// index expires, for the race detector.
func TestResolveConcurrent(t *testing.T) {
	r := demoRegistry(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 5 {
				if _, id, err := r.Resolve(t.Context(), "api-1"); err != nil || id != "nyc-202" {
					t.Errorf("worker %d: %q %v", i, id, err)
				}
			}
		})
	}
	wg.Wait()
}
