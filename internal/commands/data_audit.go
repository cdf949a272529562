package commands

import "github.com/vpsops/vpsops/internal/audit"

// The Data of audit, audit verify and audit export.

// AuditRecords is the Data of audit: the newest matching records first.
type AuditRecords struct {
	Records []audit.Record `json:"records" desc:"the matching records you may read, newest first"`
	Size
}

// AuditExport is the Data of audit export: the records oldest first, as
// the chain links them, or only their count when they went to a file.
type AuditExport struct {
	Records []audit.Record `json:"records" desc:"the exported records, oldest first; empty when they were written to file"`
	File    string         `json:"file,omitempty" desc:"the file the records were written to (JSON Lines), when one was given"`
	Size
}

// AuditVerification is the Data of audit verify (a failed verification
// is an error, not data).
type AuditVerification struct {
	Records  int64  `json:"records" desc:"how many records were checked"`
	Keyed    bool   `json:"keyed" desc:"the chain is HMAC-SHA256 with audit.hmac_key; false: plain SHA-256, which someone with write access could rebuild"`
	HeadHash string `json:"head_hash" desc:"hash of the newest record; copied somewhere the database's writers cannot reach, it anchors the chain"`
}
