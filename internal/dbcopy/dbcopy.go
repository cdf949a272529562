// Package dbcopy moves an installation from one database to another
// (`bot db copy`): an SQLite file to PostgreSQL when a team grows to
// several replicas, or back. Everything that is state is copied:
// approval requests with their feed, posts and claims, the audit chain
// with its head, MCP request-state nonces and keys, the demo fleet. What
// is transient (chat delivery dedupe, duty leases) is not: it is
// rebuilt within minutes.
package dbcopy

import (
	"context"
	"errors"
	"fmt"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/mcpserver"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/store"
)

// tables are copied in this order.
var tables = []store.CopyTable{
	// notified_by is kept on SQLite for binaries before posting claims;
	// nothing reads it, and PostgreSQL never had it.
	{Name: "approval_requests", Dropped: []string{"notified_by"}},
	{Name: "approval_events"},
	{Name: "approval_posts"},
	{Name: "approval_post_claims"},
	{Name: "audit_records"},
	{Name: "audit_head", Key: "id"},
	// request is PostgreSQL's key of a note (SQLite joins the record
	// instead); the notes copied are of processes gone, closed at the
	// next start either way.
	{Name: "audit_open_requests", Dropped: []string{"request"}},
	{Name: "mcp_nonces"},
	{Name: "mcp_keys"},
	{Name: "demo_fleets"},
}

// Report is what a copy moved and found.
type Report struct {
	Rows map[string]int64 // per table
	// Audit is the target's chain as verified after the copy; it holds
	// exactly the source's records and head.
	Audit audit.VerifyReport
}

// ErrNotEmpty is why a copy into a database already in use is refused.
var ErrNotEmpty = errors.New("the target database is not empty")

// Copy copies the installation in from to to. hmacKey is audit.hmac_key:
// the chain is verified with it in both databases, so a copy never
// launders a chain that did not verify. The schemas of both are brought
// up to date first, as starting this version on each would; the target
// must hold no data yet.
func Copy(ctx context.Context, from, to *store.DB, hmacKey []byte) (Report, error) {
	if from.String() == to.String() {
		return Report{}, fmt.Errorf("copy %s onto itself", from)
	}
	var srcAudit, dstAudit *audit.Log
	for _, db := range []*store.DB{from, to} {
		l, err := migrate(ctx, db, hmacKey)
		if err != nil {
			return Report{}, fmt.Errorf("prepare %s: %w", db, err)
		}
		defer l.Close()
		if db == from {
			srcAudit = l
		} else {
			dstAudit = l
		}
	}
	if err := checkEmpty(ctx, to); err != nil {
		return Report{}, err
	}
	before, err := srcAudit.Verify(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("verify the audit chain of %s: %w", from, err)
	}
	if err := before.Err(); err != nil {
		return Report{}, fmt.Errorf("the audit chain of %s does not verify, so it is not copied: %w", from, err)
	}
	rows, err := store.Copy(ctx, from, to, tables)
	if err != nil {
		return Report{}, err
	}
	after, err := dstAudit.Verify(ctx)
	if err != nil {
		return Report{Rows: rows}, fmt.Errorf("verify the copied audit chain in %s: %w", to, err)
	}
	if err := after.Err(); err != nil {
		return Report{Rows: rows, Audit: after}, fmt.Errorf("the copied audit chain in %s does not verify: %w", to, err)
	}
	// The source may have grown since its check (a bot still running on
	// it): the copy is of one snapshot, so it must hold at least as much.
	if after.Records < before.Records {
		return Report{Rows: rows, Audit: after}, fmt.Errorf("the copy holds %d audit records, the source %d", after.Records, before.Records)
	}
	return Report{Rows: rows, Audit: after}, nil
}

// migrate applies every component's migrations to db and returns its
// audit log, for verifying.
func migrate(ctx context.Context, db *store.DB, hmacKey []byte) (*audit.Log, error) {
	if _, err := approval.Open(ctx, db, approval.Options{Instance: "db-copy"}); err != nil {
		return nil, err
	}
	if _, err := mcpserver.OpenNonces(ctx, db); err != nil {
		return nil, err
	}
	if _, err := demo.NewDBStore(ctx, db); err != nil {
		return nil, err
	}
	return audit.Open(ctx, db, audit.Options{HMACKey: hmacKey})
}

// checkEmpty refuses a target that holds any row a copy would write: a
// copy merges nothing, so that no chain or id can clash.
func checkEmpty(ctx context.Context, db *store.DB) error {
	for _, t := range tables {
		if t.Key != "" {
			continue // filled by the migrations; audit_records tells
		}
		n, err := store.Count(ctx, db, t.Name)
		if err != nil {
			return fmt.Errorf("check %s is empty: %w", db, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: %s holds %d rows in %s (copy into a new database)", ErrNotEmpty, db, n, t.Name)
		}
	}
	return nil
}
