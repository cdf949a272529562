package commands_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// A capped audit list says it was cut, and the shell says how to see more.
func TestAuditSaysWhenItCutTheList(t *testing.T) {
	a := newTestApp(t)
	alice := shellReq("shell:alice")
	for range 3 {
		a.run(t, alice, "status demo-fra/fra-101")
	}
	res := a.run(t, alice, "audit limit=2")
	data := res.Data.(commands.AuditRecords)
	if len(data.Records) != 2 || !data.Truncated || data.Total != 3 {
		t.Fatalf("%d records, size %+v; want 2 of more than 2", len(data.Records), data.Size)
	}
	contains(t, commands.Plain(res, true), "(showing 2 of more than 2; limit=10 shows more; server=, user= or since= narrow it)")

	res = a.run(t, alice, "audit limit=500")
	data = res.Data.(commands.AuditRecords)
	if data.Truncated || data.Total != len(data.Records) || len(res.Table.Rows) != data.Total {
		t.Fatalf("%d records, %d rows, size %+v; want all of them", len(data.Records), len(res.Table.Rows), data.Size)
	}
	if p := commands.Plain(res, true); strings.Contains(p, "showing") {
		t.Fatalf("a complete list says it is cut:\n%s", p)
	}
}

// approvals lists at most 200 requests and says when there are more.
func TestApprovalsSaysWhenItCutTheList(t *testing.T) {
	a := newTestApp(t)
	alice := shellReq("shell:alice")
	for range 201 {
		if res := a.run(t, alice, "delete demo-fra/fra-101"); res.Pending == nil {
			t.Fatal("delete did not stop at the confirm gate")
		}
	}
	res := a.run(t, alice, "approvals")
	data := res.Data.(commands.ApprovalList)
	if len(data.Requests) != 200 || !data.Truncated || data.Total != 201 || len(res.Table.Rows) != 200 {
		t.Fatalf("%d requests, %d rows, size %+v; want 200 of more than 200", len(data.Requests), len(res.Table.Rows), data.Size)
	}
	contains(t, commands.Plain(res, true), "(showing 200 of more than 200; the oldest are left out")
}

// Exporting to a full disk says so; it used to blame the database.
func TestAuditExportToAFullDiskSaysSo(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("needs /dev/full")
	}
	commands.SetCreateExportFile(t, func(path string) (io.WriteCloser, error) {
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			return nil, err
		}
		return os.OpenFile("/dev/full", os.O_WRONLY, 0) // every write: no space left on device
	})
	a := newTestApp(t)
	alice := shellReq("shell:alice")
	a.run(t, alice, "list")
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	err := a.fail(t, alice, "audit export "+path)
	contains(t, err.Error(), "cannot write "+path+": no space left on device; the partial file was removed")
	if fault.ClassOf(err) != fault.Unavailable {
		t.Errorf("class %s", fault.ClassOf(err))
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the partial file is still there: %v", err)
	}
}

// Without a file, export returns the records as data, oldest first, not
// JSON Lines in the text.
func TestAuditExportReturnsRecords(t *testing.T) {
	a := newTestApp(t)
	alice := shellReq("shell:alice")
	a.run(t, alice, "list")
	a.run(t, alice, "status demo-fra/fra-101")
	res := a.run(t, alice, "audit export")
	data := res.Data.(commands.AuditExport)
	if len(data.Records) < 2 || data.Truncated || data.Total != len(data.Records) || res.Text != "" {
		t.Fatalf("%d records, size %+v, text %q", len(data.Records), data.Size, res.Text)
	}
	for i := 1; i < len(data.Records); i++ {
		if data.Records[i].Seq != data.Records[i-1].Seq+1 || data.Records[i].PrevHash != data.Records[i-1].Hash {
			t.Fatalf("records %d and %d are not the chain in order", data.Records[i-1].Seq, data.Records[i].Seq)
		}
	}
}
