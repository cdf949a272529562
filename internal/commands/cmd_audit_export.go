package commands

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
)

// maxExportRecords caps an export returned as data; a file takes them all.
const maxExportRecords = 1000

func auditExportCmd() *Command {
	return &Command{
		Name: "audit export", Summary: "Export audit records, oldest first (as JSON Lines to a file from the shell)",
		Permission: "audit.read", Risk: Read, Idempotent: true,
		Args:   append([]Arg{{Name: "file", Kind: KindPath, Positional: true, Help: "output file (shell only); without it the records are returned"}}, auditFilterArgs...),
		Output: reflect.TypeFor[AuditExport](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			f, err := auditFilter(inv)
			if err != nil {
				return Result{}, err
			}
			if !inv.May("audit.read", "*").Allowed {
				return Result{}, denied("exporting needs audit.read on every server (*); use `audit` for what you may see")
			}
			if inv.Args.String("file") == "" {
				return exportRecords(ctx, inv, f)
			}
			return exportFile(ctx, inv, f)
		},
	}
}

// exportRecords returns the newest matching records as data, oldest
// first, as the chain links them.
func exportRecords(ctx context.Context, inv *Invocation, f audit.Filter) (Result, error) {
	var buf bytes.Buffer
	f.Limit = maxExportRecords + 1 // one more, to know whether the list was cut
	if _, err := inv.Audit().Export(ctx, &buf, f); err != nil {
		return Result{}, storeError(err)
	}
	recs := []audit.Record{}
	for dec := json.NewDecoder(&buf); dec.More(); {
		var r audit.Record
		if err := dec.Decode(&r); err != nil {
			return Result{}, fault.Errorf(fault.Internal, "reading back exported audit records: %v", err)
		}
		recs = append(recs, r)
	}
	data := AuditExport{Records: recs, Size: sizeOf(len(recs))}
	if len(recs) > maxExportRecords {
		// Oldest first: the one too many is the oldest.
		data.Records, data.Size = recs[1:], Size{Total: len(recs), Truncated: true}
	}
	t := auditTable(data.Records, data.Size)
	if data.Truncated {
		t.More = "since= narrows it, and `audit export <file>` in the shell writes them all"
	}
	return Result{Title: count(len(data.Records), "audit record") + ", oldest first", Table: t, Data: data}, nil
}

// exportFile writes the matching records to a new file as JSON Lines.
func exportFile(ctx context.Context, inv *Invocation, f audit.Filter) (Result, error) {
	path := inv.Args.String("file")
	if inv.Request.Source != "shell" {
		return Result{}, invalid(inv.Command, "writing a file is only possible from the shell; omit the file to get the records")
	}
	out, err := createExportFile(path)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return Result{}, invalid(inv.Command, "%s already exists; choose another file", path)
		}
		return Result{}, fault.Errorf(fault.Invalid, "cannot create %s: %v", path, errors.Unwrap(err))
	}
	file := &recordingWriter{w: out}
	buf := bufio.NewWriter(file)
	n, err := inv.Audit().Export(ctx, buf, f)
	if err == nil {
		err = buf.Flush()
	}
	if cerr := out.Close(); file.err == nil && cerr != nil {
		file.err = cerr
	}
	if err == nil {
		err = file.err
	}
	if err != nil {
		os.Remove(path)
		if file.err != nil {
			// The file failed (a full disk, most often), not the database.
			return Result{}, &fault.Error{Class: fault.Unavailable, Message: fmt.Sprintf("cannot write %s: %s; the partial file was removed", path, osReason(file.err)), Err: file.err}
		}
		return Result{}, storeError(err)
	}
	return Result{Title: fmt.Sprintf("Exported %d audit records to %s", n, path), Data: AuditExport{Records: []audit.Record{}, File: path, Size: sizeOf(n)}}, nil
}

// createExportFile opens a new export file. O_EXCL: never overwrite an
// existing file (an earlier export, or worse). Tests replace it to fill
// the disk.
var createExportFile = func(path string) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// recordingWriter remembers the first error of the writer under it, so a
// failure can be told apart from the database's.
type recordingWriter struct {
	w   io.Writer
	err error
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}

// osReason is the operating system's words for err ("no space left on
// device") without the path, which the message names already.
func osReason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
