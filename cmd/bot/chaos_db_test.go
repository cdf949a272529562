package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/store"
)

// observer reads what the replicas share, the way an operator's tools
// would: the approval requests, their change feed and the audit trail.
// It changes nothing.
type observer struct {
	db        *store.DB
	approvals *approval.Store
	audit     *audit.Log
}

// holder is the replica instance holding duty now ("" when none does).
func (o *observer) holder(ctx context.Context, duty string) (string, error) {
	var h string
	err := o.db.QueryRowContext(ctx, `SELECT holder FROM duties WHERE name = ?`, duty).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, err
}

func openObserver(t *testing.T, database string, key []byte) *observer {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, database, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o := &observer{db: db}
	if o.approvals, err = approval.Open(ctx, db, approval.Options{Instance: "chaos-observer", Secret: key}); err != nil {
		t.Fatal(err)
	}
	if o.audit, err = audit.Open(ctx, db, audit.Options{HMACKey: key}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.audit.Close() })
	return o
}

// requests are every request, by id.
func (o *observer) requests(ctx context.Context) (map[string]approval.Request, error) {
	all, err := o.approvals.List(ctx, approval.Filter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]approval.Request, len(all))
	for _, r := range all {
		out[r.ID] = r
	}
	return out, nil
}

// until polls the requests until cond holds for them and returns them.
// The deadline bounds a hang; it measures nothing. What failed to happen
// is named with how many requests stand in each state.
func (o *observer) until(t *testing.T, what string, deadline time.Duration, cond func(map[string]approval.Request) bool) map[string]approval.Request {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var reqs map[string]approval.Request
	for {
		var err error
		if reqs, err = o.requests(ctx); err == nil && cond(reqs) {
			return reqs
		}
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting (%s) until %s: requests by state %v (last error %v)", deadline, what, byState(reqs), err)
		case <-tick.C:
		}
	}
}

func byState(reqs map[string]approval.Request) map[approval.State]int {
	n := map[approval.State]int{}
	for _, r := range reqs {
		n[r.State]++
	}
	return n
}

// claims counts, per request, the times a process claimed it to run
// (executing events of the feed): the store's own history of who ran what.
func (o *observer) claims(ctx context.Context) (map[string]int, error) {
	n := map[string]int{}
	for after := int64(0); ; {
		changes, err := o.approvals.Feed(ctx, after, 500)
		if err != nil {
			return nil, err
		}
		for _, c := range changes {
			after = c.Version
			if c.Event == approval.EventExecuting {
				n[c.Request.ID]++
			}
		}
		if len(changes) < 500 {
			return n, nil
		}
	}
}

// stages counts the audit records of each gated request by stage.
func (o *observer) stages(ctx context.Context) (map[string]map[audit.Stage]int, error) {
	var buf bytes.Buffer
	if _, err := o.audit.Export(ctx, &buf, audit.Filter{}); err != nil {
		return nil, err
	}
	n := map[string]map[audit.Stage]int{}
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var r audit.Record
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("read the audit export: %w", err)
		}
		if r.ApprovalID == "" {
			continue
		}
		if n[r.ApprovalID] == nil {
			n[r.ApprovalID] = map[audit.Stage]int{}
		}
		n[r.ApprovalID][r.Stage]++
	}
	return n, nil
}

// untilAudited polls the audit trail until the ending of every request
// in final is on the record, and returns the records' stages by request.
// The process that ends a request appends its record right after the
// state change, not in the same transaction, so a reader may see the
// state first.
func (o *observer) untilAudited(t *testing.T, final map[string]approval.Request, deadline time.Duration) map[string]map[audit.Stage]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		stages, err := o.stages(ctx)
		missing := 0
		for id, r := range final {
			if stages[id][endingStage(r.State)] == 0 {
				missing++
			}
		}
		if err == nil && missing == 0 {
			return stages
		}
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting (%s) for the audit trail to record how every request ended: %d missing (last error %v)", deadline, missing, err)
		case <-tick.C:
		}
	}
}

// endingStage is the audit stage that records a request ending in state.
func endingStage(state approval.State) audit.Stage {
	if state == approval.Interrupted {
		return audit.StageInterrupted
	}
	return audit.StageExecuted
}
