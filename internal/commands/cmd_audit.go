package commands

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
)

var auditFilterArgs = []Arg{
	{Name: "server", Kind: KindServerFilter, Help: "provider/id, or provider/ for a whole provider"},
	{Name: "user", Kind: KindPrincipal, Help: "principal, e.g. slack:T01:U02"},
	{Name: "since", Kind: KindTime, Help: "age (2h, 7d) or RFC 3339 time"},
}

func auditCmd() *Command {
	return &Command{
		Name: "audit", Summary: "Show recent audit records", Tool: "query_audit",
		Permission: "audit.read", Risk: Read, Idempotent: true,
		Args:   append(auditFilterArgs[:3:3], Arg{Name: "limit", Kind: KindInt, Min: 1, Max: maxAuditLimit, Help: "how many (default 20)"}),
		Output: reflect.TypeFor[AuditRecords](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			f, err := auditFilter(inv)
			if err != nil {
				return Result{}, err
			}
			limit := inv.Args.Int("limit", 20)
			f.Limit = limit + 1 // one more, to know whether the list was cut
			recs, err := inv.Audit().Query(ctx, f)
			if err != nil {
				return Result{}, storeError(err)
			}
			fetchedMore := len(recs) > limit
			recs, size := capped(inv.visibleRecords(recs), limit, fetchedMore)
			t := auditTable(recs, size)
			if size.Truncated {
				t.More = "server=, user= or since= narrow it"
				if limit < maxAuditLimit {
					t.More = fmt.Sprintf("limit=%d shows more; %s", min(limit*5, maxAuditLimit), t.More)
				}
			}
			return Result{Title: count(len(recs), "audit record"), Table: t, Data: AuditRecords{Records: nonNil(recs), Size: size}}, nil
		},
	}
}

// maxAuditLimit caps audit's limit=; export has no cap when it writes a file.
const maxAuditLimit = 500

// auditTable shows records one line each.
func auditTable(recs []audit.Record, size Size) *Table {
	t := &Table{Columns: []string{"#", "TIME", "WHO", "ACTION", "STAGE", "OUTCOME"}, Size: size}
	for _, rec := range recs {
		outcome := rec.Outcome
		if rec.Error != "" {
			outcome = strings.TrimSpace(outcome + " " + errorLine(rec.ErrorClass, rec.Error))
		}
		action := strings.TrimSpace(rec.Command + " " + rec.Target)
		if rec.ApprovalID != "" {
			action += " [" + rec.ApprovalID + "]"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(rec.Seq), ShowTime(rec.Time), rec.Principal, action, string(rec.Stage), clipN(outcome, 80)})
	}
	return t
}

func auditFilter(inv *Invocation) (audit.Filter, error) {
	f := audit.Filter{Server: inv.Args.String("server"), Principal: inv.Args.String("user")}
	if s := inv.Args.String("since"); s != "" {
		t, err := ParseSince(s, inv.Now())
		if err != nil {
			return f, invalid(inv.Command, "%v", err)
		}
		f.Since = t
	}
	return f, nil
}

func auditVerifyCmd() *Command {
	return &Command{
		Name: "audit verify", Summary: "Check the audit trail's hash chain for edits, deletions and reordering",
		Permission: "audit.read", Risk: Read, Idempotent: true, Output: reflect.TypeFor[AuditVerification](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			rep, err := inv.Audit().Verify(ctx)
			if err != nil {
				return Result{}, storeError(err)
			}
			chain := "SHA-256 chain (no audit.hmac_key: someone with write access could rebuild it)"
			if rep.Keyed {
				chain = "HMAC-SHA256 chain"
			}
			if !rep.OK {
				return Result{}, fault.Errorf(fault.Conflict, "audit trail FAILED verification at record %d: %s (%d records checked, %s)", rep.BadSeq, rep.Problem, rep.Records, chain)
			}
			data := AuditVerification{Records: rep.Records, Keyed: rep.Keyed, HeadHash: rep.HeadHash}
			return Result{Title: fmt.Sprintf("Audit trail intact: %d records verified", rep.Records), Text: chain, Data: data}, nil
		},
	}
}

func storeError(err error) error {
	var de *fault.Error
	if errors.As(err, &de) {
		return err
	}
	return &fault.Error{Class: fault.Unavailable, Message: "the database did not answer; try again", Err: err}
}

func clipN(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// visibleRecords keeps the records the invoking principal may read: those
// about a server they hold audit.read on, and untargeted ones only with "*".
func (inv *Invocation) visibleRecords(recs []audit.Record) []audit.Record {
	out := recs[:0]
	for _, rec := range recs {
		obj := rec.Target
		if obj == "" {
			obj = "*"
		}
		if inv.May("audit.read", obj).Allowed {
			out = append(out, rec)
		}
	}
	return out
}
