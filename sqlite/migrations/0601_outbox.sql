-- The outbox: every effect alesco has on the world (GitHub comments and
-- labels, the wiki's minutes pull request, mail, chat posts), written in
-- the transaction of the change that causes it and delivered by the
-- server's worker. One row per key, kept after delivery: the key of a
-- message stays taken, so it is never sent twice.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	key             TEXT    NOT NULL UNIQUE,
	kind            TEXT    NOT NULL,
	committee_id    TEXT    NOT NULL,
	payload         TEXT    NOT NULL,                -- JSON of alesco.Effect
	status          TEXT    NOT NULL DEFAULT 'pending'
	                CHECK (status IN ('pending', 'done', 'parked', 'dropped')),
	revision        INTEGER NOT NULL DEFAULT 1,      -- rises when the payload is replaced
	attempts        INTEGER NOT NULL DEFAULT 0,      -- failed attempts since (re)queued
	next_attempt_at TEXT    NOT NULL,
	last_error      TEXT    NOT NULL DEFAULT '',
	result          TEXT    NOT NULL DEFAULT '',     -- what delivery did
	created_at      TEXT    NOT NULL,
	updated_at      TEXT    NOT NULL,
	delivered_at    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
