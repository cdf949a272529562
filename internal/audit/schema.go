package audit

// migrations is the audit component's schema on SQLite, applied by
// store.Migrate (pgMigrations is PostgreSQL's).
// migrations[i] is version i+1: append new ones, never edit old ones.
//
// Statements are separated by ";\n", so a trigger body keeps its inner ";"
// on the same line as the next word.
var migrations = []string{
	`CREATE TABLE audit_records (
	seq         INTEGER PRIMARY KEY, -- the rowid: 1-based, gapless
	time        TEXT    NOT NULL,    -- UTC, fixed-width nanoseconds, so text order is time order
	source      TEXT    NOT NULL,
	principal   TEXT    NOT NULL,
	command     TEXT    NOT NULL,
	target      TEXT    NOT NULL,
	args        TEXT,                -- compact JSON, NULL when absent
	stage       TEXT    NOT NULL,
	decision    TEXT    NOT NULL,
	rule        TEXT    NOT NULL,
	approval_id TEXT    NOT NULL,
	outcome     TEXT    NOT NULL,
	error_class TEXT    NOT NULL,
	error       TEXT    NOT NULL,
	duration_ns INTEGER NOT NULL,
	prev_hash   TEXT    NOT NULL,
	hash        TEXT    NOT NULL
);
CREATE INDEX audit_records_target ON audit_records(target);
CREATE INDEX audit_records_principal ON audit_records(principal);
CREATE INDEX audit_records_time ON audit_records(time);
CREATE INDEX audit_records_approval_id ON audit_records(approval_id);
-- The head is the chain's last link, written in the same transaction as the
-- records. It is what makes deleting the newest records (truncation)
-- detectable, and its MAC keeps someone without the key from rewinding it.
-- keyed is NULL until the first record fixes whether the chain uses HMAC.
CREATE TABLE audit_head (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	seq   INTEGER NOT NULL,
	hash  TEXT    NOT NULL,
	keyed INTEGER,
	mac   TEXT    NOT NULL
);
INSERT INTO audit_head(id, seq, hash, keyed, mac) VALUES (1, 0, '', NULL, '');
-- Guard rails against the application's own mistakes, not against an
-- attacker (who can drop them): the hash chain is what detects tampering.
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END`,
	// Which process appended each requested record of an ungated command,
	// so that a process starting later can tell a command still running
	// elsewhere from one whose process died (see CloseDangling). A row goes
	// once its record is known to have an outcome. Not part of the chain:
	// it only decides whether an interrupted record is appended, and can
	// never hide or change one.
	`CREATE TABLE audit_open_requests (
	seq      INTEGER PRIMARY KEY, -- the requested record
	instance TEXT    NOT NULL     -- the process that appended it
)`,
	// The groups a request was made with (Record.Groups): a JSON array, ''
	// when none, as for every record written before. Part of the chain
	// (see canonical): a record with groups is hashed in the v2 encoding,
	// one without in v1, so older records verify as they always did.
	`ALTER TABLE audit_records ADD COLUMN groups TEXT NOT NULL DEFAULT ''`,
}
