-- Tokens: only the SHA-256 of each token is stored.
CREATE TABLE tokens (
	id           INTEGER PRIMARY KEY,
	hash         BLOB    NOT NULL UNIQUE,
	committee_id TEXT    NOT NULL,
	role         TEXT    NOT NULL CHECK (role IN ('admin', 'chair', 'secretary', 'member')),
	member_id    TEXT    NOT NULL DEFAULT '',
	label        TEXT    NOT NULL DEFAULT '',
	created_at   TEXT    NOT NULL,
	revoked_at   TEXT
);

-- Append-only audit log of every write; each row carries the SHA-256 of the
-- previous row, so editing or deleting a row breaks the chain.
CREATE TABLE audit_log (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	subject   TEXT NOT NULL,
	detail    TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
