package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
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
		Args: append(auditFilterArgs[:3:3], Arg{Name: "limit", Kind: KindInt, Min: 1, Max: 500, Help: "how many (default 20)"}),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			f, err := auditFilter(inv)
			if err != nil {
				return Result{}, err
			}
			f.Limit = inv.Args.Int("limit", 20)
			recs, err := inv.Runner.audit.Query(ctx, f)
			if err != nil {
				return Result{}, storeError(err)
			}
			recs = inv.Runner.visibleRecords(inv.Principal, recs)
			t := &Table{Columns: []string{"#", "TIME", "WHO", "ACTION", "STAGE", "OUTCOME"}}
			for _, rec := range recs {
				outcome := rec.Outcome
				if rec.Error != "" {
					outcome = strings.TrimSpace(outcome + " " + rec.ErrorClass + ": " + rec.Error)
				}
				action := strings.TrimSpace(rec.Command + " " + rec.Target)
				if rec.ApprovalID != "" {
					action += " [" + rec.ApprovalID + "]"
				}
				t.Rows = append(t.Rows, []string{fmt.Sprint(rec.Seq), rec.Time.UTC().Format("01-02 15:04:05"), rec.Principal, action, string(rec.Stage), clipN(outcome, 80)})
			}
			return Result{Title: fmt.Sprintf("%d audit records", len(recs)), Table: t, Data: map[string]any{"records": nonNil(recs)}}, nil
		},
	}
}

func auditFilter(inv *Invocation) (audit.Filter, error) {
	f := audit.Filter{Server: inv.Args.String("server"), Principal: inv.Args.String("user")}
	if s := inv.Args.String("since"); s != "" {
		t, err := ParseSince(s, inv.Runner.clock())
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
		Permission: "audit.read", Risk: Read, Idempotent: true,
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			rep, err := inv.Runner.audit.Verify(ctx)
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
			return Result{Title: fmt.Sprintf("Audit trail intact: %d records verified", rep.Records), Text: chain, Data: rep}, nil
		},
	}
}

func auditExportCmd() *Command {
	return &Command{
		Name: "audit export", Summary: "Export audit records as JSON Lines (to a file from the shell)",
		Permission: "audit.read", Risk: Read, Idempotent: true,
		Args: append([]Arg{{Name: "file", Kind: KindPath, Positional: true, Help: "output file (shell only); without it the records are returned"}}, auditFilterArgs...),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			f, err := auditFilter(inv)
			if err != nil {
				return Result{}, err
			}
			if !inv.Runner.policy.Decide(inv.Principal, "audit.read", "*").Allowed {
				return Result{}, denied("exporting needs audit.read on every server (*); use `audit` for what you may see")
			}
			path := inv.Args.String("file")
			if path == "" {
				var buf bytes.Buffer
				f.Limit = 1000
				n, err := inv.Runner.audit.Export(ctx, &buf, f)
				if err != nil {
					return Result{}, storeError(err)
				}
				return Result{Title: fmt.Sprintf("%d audit records (JSON Lines)", n), Text: buf.String()}, nil
			}
			if inv.Request.Source != "shell" {
				return Result{}, invalid(inv.Command, "writing a file is only possible from the shell; omit the file to get the records")
			}
			// O_EXCL: never overwrite an existing file (an earlier export, or worse).
			out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				if errors.Is(err, os.ErrExist) {
					return Result{}, invalid(inv.Command, "%s already exists; choose another file", path)
				}
				return Result{}, fault.Errorf(fault.Invalid, "cannot create %s: %v", path, errors.Unwrap(err))
			}
			n, err := inv.Runner.audit.Export(ctx, out, f)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(path)
				return Result{}, storeError(err)
			}
			return Result{Title: fmt.Sprintf("Exported %d audit records to %s", n, path)}, nil
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

// visibleRecords keeps the records principal may read: those about a
// server they hold audit.read on, and untargeted ones only with "*".
func (r *Runner) visibleRecords(principal string, recs []audit.Record) []audit.Record {
	out := recs[:0]
	for _, rec := range recs {
		obj := rec.Target
		if obj == "" {
			obj = "*"
		}
		if r.policy.Decide(principal, "audit.read", obj).Allowed {
			out = append(out, rec)
		}
	}
	return out
}
