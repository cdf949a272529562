package policy

import (
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	vpsops "github.com/vpsops/vpsops"
)

// Options configures New.
type Options struct {
	// ModelPath and PolicyPath name the Casbin files; "" selects the copy
	// of the repository's model.conf / policy.csv built into the binary.
	ModelPath, PolicyPath string
	Logger                *slog.Logger     // nil: discard
	Clock                 func() time.Time // nil: time.Now
	// PollInterval is how often Watch looks at the files; 0 means one
	// second. Tests shorten it.
	PollInterval time.Duration
}

// Enforcer answers policy questions from the policy currently in force and
// swaps in a new policy when the files change. All methods are safe for
// concurrent use.
//
// Every answer comes from one immutable snapshot (Casbin enforcer plus its
// answer cache), taken with one atomic load, so a decision never mixes two
// generations of the policy and a reload never blocks a decision.
type Enforcer struct {
	modelPath, policyPath string
	log                   *slog.Logger
	clock                 func() time.Time
	poll                  time.Duration
	cacheLimit            int

	cur      atomic.Pointer[snapshot]
	reloadMu sync.Mutex // one load at a time, so generations are consecutive
}

// snapshot is one generation of the policy. Only cache changes inside it.
type snapshot struct {
	gen      uint64
	loadedAt time.Time
	eng      *engine
	cache    *cache
	sums     [2][sha256.Size]byte // model and policy text this generation was built from
}

// New loads and validates the model and policy. The error names the file
// and, for policy.csv, the line and the problem.
func New(o Options) (*Enforcer, error) {
	e := &Enforcer{
		modelPath:  o.ModelPath,
		policyPath: o.PolicyPath,
		log:        o.Logger,
		clock:      o.Clock,
		poll:       o.PollInterval,
		cacheLimit: defaultCacheLimit,
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.poll <= 0 {
		e.poll = time.Second
	}
	s, err := e.load(1)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	e.cur.Store(s)
	e.log.Info("policy loaded", e.logAttrs(s)...)
	return e, nil
}

// Reload re-reads both files. On any error the policy in force stays and
// the error says which file and line is wrong.
func (e *Enforcer) Reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	s, err := e.load(e.cur.Load().gen + 1)
	if err != nil {
		return fmt.Errorf("policy: reload: %w", err)
	}
	e.cur.Store(s)
	return nil
}

// Generation counts successful loads: 1 after New, +1 per Reload that
// took effect. Callers compare it to tell whether the policy changed.
func (e *Enforcer) Generation() uint64 { return e.cur.Load().gen }

// LoadedAt is when the policy in force was loaded, by Options.Clock.
func (e *Enforcer) LoadedAt() time.Time { return e.cur.Load().loadedAt }

// load builds the snapshot for generation gen from the files (or the
// embedded defaults).
func (e *Enforcer) load(gen uint64) (*snapshot, error) {
	modelName, modelText, err := readSource(e.modelPath, "model.conf", vpsops.DefaultModel)
	if err != nil {
		return nil, err
	}
	policyName, policyText, err := readSource(e.policyPath, "policy.csv", vpsops.DefaultPolicy)
	if err != nil {
		return nil, err
	}
	eng, err := newEngine(modelName, modelText, policyName, policyText)
	if err != nil {
		return nil, err
	}
	return &snapshot{
		gen:      gen,
		loadedAt: e.clock(),
		eng:      eng,
		cache:    new(cache),
		sums:     [2][sha256.Size]byte{sha256.Sum256([]byte(modelText)), sha256.Sum256([]byte(policyText))},
	}, nil
}

// readSource returns the file's name for messages and its text; path ""
// selects the embedded copy.
func readSource(path, base, embedded string) (name, text string, err error) {
	if path == "" {
		return "embedded " + base, embedded, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return path, "", fmt.Errorf("read %s: %w", base, err)
	}
	return path, string(b), nil
}

func (e *Enforcer) logAttrs(s *snapshot) []any {
	return []any{
		"generation", s.gen,
		"model", sourceName(e.modelPath),
		"policy", sourceName(e.policyPath),
		"rules", len(s.eng.rules),
	}
}

func sourceName(path string) string {
	if path == "" {
		return "embedded"
	}
	return path
}

// remember caches an answer in s and, when s's cache is over its limit,
// replaces s with a copy holding an empty cache. The swap is a
// compare-and-swap so that it never undoes a concurrent reload.
func (e *Enforcer) remember(s *snapshot, k cacheKey, v any) {
	if !s.cache.store(k, v, e.cacheLimit) {
		return
	}
	fresh := *s
	fresh.cache = new(cache)
	if e.cur.CompareAndSwap(s, &fresh) {
		e.log.Debug("policy decision cache dropped", "generation", s.gen, "limit", e.cacheLimit)
	}
}

func knownPermission(p string) bool { return slices.Contains(Permissions(), p) }
