package audit

// pgMigrations is the audit schema on PostgreSQL, applied by store.Migrate
// under the component "audit". Version 1 is SQLite's versions 1 to 3 as
// they stand. Append new versions; never edit old ones.
//
// time and target are compared as text (Since, Until, a provider prefix),
// so they use the "C" collation: byte order, whatever the database's
// locale, which might otherwise order "2026-01-02T10" by letters first.
var pgMigrations = []string{
	`CREATE TABLE audit_records (
	seq         BIGINT PRIMARY KEY,
	time        TEXT COLLATE "C" NOT NULL,
	source      TEXT    NOT NULL,
	principal   TEXT    NOT NULL,
	command     TEXT    NOT NULL,
	target      TEXT COLLATE "C" NOT NULL,
	args        TEXT,
	stage       TEXT    NOT NULL,
	decision    TEXT    NOT NULL,
	rule        TEXT    NOT NULL,
	approval_id TEXT    NOT NULL,
	outcome     TEXT    NOT NULL,
	error_class TEXT    NOT NULL,
	error       TEXT    NOT NULL,
	duration_ns BIGINT  NOT NULL,
	prev_hash   TEXT    NOT NULL,
	hash        TEXT    NOT NULL,
	groups      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_records_target ON audit_records(target);
CREATE INDEX audit_records_principal ON audit_records(principal);
CREATE INDEX audit_records_time ON audit_records(time);
CREATE INDEX audit_records_approval_id ON audit_records(approval_id);
CREATE TABLE audit_head (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	seq   BIGINT  NOT NULL,
	hash  TEXT    NOT NULL,
	keyed BOOLEAN,
	mac   TEXT    NOT NULL
);
INSERT INTO audit_head(id, seq, hash, keyed, mac) VALUES (1, 0, '', NULL, '');
CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_refuse('audit records are append-only');
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse('audit records are append-only');
CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse('the audit head cannot be deleted');
-- request is requestKey of the noted record, so that its outcome finds
-- the note without a join ('' for notes copied from SQLite: their
-- processes are gone, and CloseDangling closes them).
CREATE TABLE audit_open_requests (
	seq      BIGINT PRIMARY KEY,
	instance TEXT   NOT NULL,
	request  TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX audit_open_requests_by_request ON audit_open_requests (instance, request, seq)`,
}
