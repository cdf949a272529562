package chat

import (
	"crypto/rand"
	"encoding/base32"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
)

// pages keeps the results of lists whose tables may not fit one message,
// so their page buttons can show the rest without running the command
// again (which could answer differently, or cost a provider call). They
// are kept in this process only: a press that reaches another replica
// finds nothing and says to run the command again.
type pages struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]kept
}

type kept struct {
	owner commands.Principal
	res   commands.Result
	until time.Time
}

const (
	// keepFor matches the life of Slack's response_url, after which a
	// page could not be shown in place anyway.
	keepFor = 30 * time.Minute
	// maxKept bounds memory: past it the oldest are dropped first.
	maxKept = 512
	// pagedRows is the least rows worth keeping: shorter tables fit one
	// message on every platform.
	pagedRows = 15
)

func newPages(now func() time.Time) *pages { return &pages{now: now, m: map[string]kept{}} }

// keep remembers res for owner when its table may need pages, and
// returns its first page.
func (p *pages) keep(owner commands.Principal, res commands.Result) Page {
	if res.Table == nil || len(res.Table.Rows) < pagedRows {
		return Page{}
	}
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Page{}
	}
	token := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep(now)
	p.m[token] = kept{owner: owner, res: res, until: now.Add(keepFor)}
	return Page{Token: token}
}

// get returns the result kept under token, for its owner only.
func (p *pages) get(token string, who commands.Principal) (commands.Result, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := p.m[token]
	if !ok || k.owner != who || !p.now().Before(k.until) {
		return commands.Result{}, false
	}
	return k.res, true
}

// sweep drops what expired, and the oldest past maxKept.
func (p *pages) sweep(now time.Time) {
	for t, k := range p.m {
		if !now.Before(k.until) {
			delete(p.m, t)
		}
	}
	for len(p.m) >= maxKept {
		var oldest string
		for t, k := range p.m {
			if oldest == "" || k.until.Before(p.m[oldest].until) {
				oldest = t
			}
		}
		delete(p.m, oldest)
	}
}
