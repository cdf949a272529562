package policy

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
)

type question struct{ principal, permission, object string }

// generatedPolicy is a larger, realistic-shaped policy: 40 roles with 5 p
// rules each (200), role inheritance two levels deep, and 1,000 users with
// one or two g lines each. It returns the policy text and a pool of
// questions over random users, permissions and servers.
func generatedPolicy(seed uint64) (string, []question) {
	rng := rand.New(rand.NewPCG(seed, seed))
	perms := Permissions()
	var b strings.Builder
	for r := range 40 {
		for range 5 {
			fmt.Fprintf(&b, "p, role-%02d, prov-%d/srv-%d*, %s\n", r, rng.IntN(10), rng.IntN(10), perms[rng.IntN(len(perms))])
		}
		if r > 0 {
			fmt.Fprintf(&b, "g, role-%02d, role-%02d\n", r, r/2)
		}
	}
	for u := range 1000 {
		for range 1 + rng.IntN(2) {
			fmt.Fprintf(&b, "g, slack:T1:u%04d, role-%02d\n", u, rng.IntN(40))
		}
	}
	qs := make([]question, 4096)
	for i := range qs {
		qs[i] = question{
			principal:  fmt.Sprintf("slack:T1:u%04d", rng.IntN(1000)),
			permission: perms[rng.IntN(len(perms))],
			object:     fmt.Sprintf("prov-%d/srv-%d%d", rng.IntN(10), rng.IntN(10), rng.IntN(100)),
		}
	}
	return b.String(), qs
}

func newGenerated(b *testing.B) (*Enforcer, []question) {
	b.Helper()
	text, qs := generatedPolicy(1)
	path := writeFile(b, b.TempDir(), "policy.csv", text)
	e, err := New(Options{PolicyPath: path})
	if err != nil {
		b.Fatal(err)
	}
	allowed := 0
	for _, q := range qs { // warm the cache, and check the policy is not all-deny
		if e.Decide(q.principal, q.permission, q.object).Allowed {
			allowed++
		}
	}
	if allowed == 0 || allowed == len(qs) {
		b.Fatalf("generated policy allows %d of %d questions; want a mix", allowed, len(qs))
	}
	return e, qs
}

func defaultQuestions() []question {
	return []question{
		{"shell:alice", "server.power", "demo-fra/web-1"},
		{"shell:alice", "server.read", "edis-fra/kvm_1"},
		{"mcp:claude", "server.power", "edis-fra/kvm_1"},
		{"mcp:claude", "server.delete", "demo-nyc/db-1"},
		{"slack:T1:nobody", "server.read", "demo-fra/web-2"},
		{"discord:42", "approval.grant", "demo-nyc/web-1"},
	}
}

func BenchmarkDecideDefaultCached(b *testing.B) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	qs := defaultQuestions()
	for _, q := range qs {
		e.Decide(q.principal, q.permission, q.object)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		q := qs[i%len(qs)]
		e.Decide(q.principal, q.permission, q.object)
	}
}

func BenchmarkDecideDefaultCachedParallel(b *testing.B) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	qs := defaultQuestions()
	for _, q := range qs {
		e.Decide(q.principal, q.permission, q.object)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			q := qs[i%len(qs)]
			e.Decide(q.principal, q.permission, q.object)
		}
	})
}

func BenchmarkDecideGeneratedCached(b *testing.B) {
	e, qs := newGenerated(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		q := qs[i%len(qs)]
		e.Decide(q.principal, q.permission, q.object)
	}
}

func BenchmarkDecideGeneratedCachedParallel(b *testing.B) {
	e, qs := newGenerated(b)
	var seed atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seed.Add(997))
		for ; pb.Next(); i++ {
			q := qs[i%len(qs)]
			e.Decide(q.principal, q.permission, q.object)
		}
	})
}

// BenchmarkDecideGeneratedUncached is plain Casbin Enforce on the same
// policy and questions, for comparison with the cached path.
func BenchmarkDecideGeneratedUncached(b *testing.B) {
	e, qs := newGenerated(b)
	cb := e.cur.Load().eng.cb
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		q := qs[i%len(qs)]
		if _, err := cb.Enforce(q.principal, q.object, q.permission); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecideGeneratedUncachedParallel is the cache-miss path under
// contention: Casbin behind the engine's lock, as Decide calls it.
func BenchmarkDecideGeneratedUncachedParallel(b *testing.B) {
	e, qs := newGenerated(b)
	eng := e.cur.Load().eng
	var seed atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seed.Add(997))
		for ; pb.Next(); i++ {
			q := qs[i%len(qs)]
			if _, err := eng.decide(q.principal, q.permission, q.object); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkGateDefaultCached(b *testing.B) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	e.Gate("mcp:claude", "delete", "demo-nyc/web-1")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		e.Gate("mcp:claude", "delete", "demo-nyc/web-1")
	}
}
