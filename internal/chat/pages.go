package chat

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
)

// Pages keep the results of lists whose tables may not fit one message,
// so their page buttons can show the rest without running the command
// again (which could answer differently, or cost a provider call), for
// the person who asked only, for keepFor. StoredPages keep them in the
// database every replica shares, so a page press reaching another replica
// behind a load balancer works; without one they are kept in this process
// (a press that reaches another process says to run the command again).
type Pages interface {
	// Keep stores res for owner and returns its token.
	Keep(ctx context.Context, owner commands.Principal, res commands.Result) (string, error)
	// Get returns the result kept under token, for its owner only; false
	// when there is none (expired, another person's, never kept).
	Get(ctx context.Context, token string, owner commands.Principal) (commands.Result, bool, error)
}

// pageable is what a page shows of a result: never its secrets (a list
// has none, and a stored page must not be the place one leaks to), nor
// the request or structured data only the first answer needs.
func pageable(res commands.Result) commands.Result {
	return commands.Result{Title: res.Title, Text: res.Text, Fields: res.Fields, Table: res.Table, Notes: res.Notes}
}

// newToken draws a page token: 80 random bits, so one cannot be guessed,
// and the owner check stands behind it anyway.
func newToken() (string, error) {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]), nil
}

// pages are Pages in this process.
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

func (p *pages) Keep(_ context.Context, owner commands.Principal, res commands.Result) (string, error) {
	token, err := newToken()
	if err != nil {
		return "", err
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep(now)
	p.m[token] = kept{owner: owner, res: pageable(res), until: now.Add(keepFor)}
	return token, nil
}

func (p *pages) Get(_ context.Context, token string, who commands.Principal) (commands.Result, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := p.m[token]
	if !ok || k.owner != who || !p.now().Before(k.until) {
		return commands.Result{}, false, nil
	}
	return k.res, true, nil
}

// keep remembers res for owner when its table may need pages, and
// returns its first page; a list that cannot be kept is shown without
// page buttons, its first page only, and says so in the log.
func (cv *Conversations) keep(ctx context.Context, owner commands.Principal, res commands.Result) Page {
	if res.Table == nil || len(res.Table.Rows) < pagedRows {
		return Page{}
	}
	token, err := cv.pages.Keep(ctx, owner, res)
	if err != nil {
		cv.log.Warn("keeping a long list for its pages failed", "err", err)
		return Page{}
	}
	return Page{Token: token}
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
