-- Pull requests of each committee's RFC repository, as last seen through
-- GitHub (sync or webhook). Every pull request seen is kept, tracked or not,
-- so an unchanged one costs no further request; only tracked rows are
-- proposals.
CREATE TABLE proposals (
	committee_id         TEXT    NOT NULL,
	number               INTEGER NOT NULL,
	tracked              INTEGER NOT NULL DEFAULT 0,
	-- head SHA whose changed files (and RFC header) were last read; '' = never
	files_sha            TEXT    NOT NULL DEFAULT '',
	title                TEXT    NOT NULL DEFAULT '',
	url                  TEXT    NOT NULL DEFAULT '',
	author_login         TEXT    NOT NULL DEFAULT '',
	authors              TEXT    NOT NULL DEFAULT '[]', -- JSON array
	rfc_number           TEXT    NOT NULL DEFAULT '',
	rfc_path             TEXT    NOT NULL DEFAULT '',
	header_status        TEXT    NOT NULL DEFAULT '',
	trademark_approval   TEXT    NOT NULL DEFAULT '',
	state                TEXT    NOT NULL,
	open                 INTEGER NOT NULL DEFAULT 1,
	draft                INTEGER NOT NULL DEFAULT 0,
	merged               INTEGER NOT NULL DEFAULT 0,
	labels               TEXT    NOT NULL DEFAULT '[]', -- JSON array, as GitHub spells them
	needs_board_input    INTEGER NOT NULL DEFAULT 0,
	board_input_reason   TEXT    NOT NULL DEFAULT '',
	board_input_recorded INTEGER NOT NULL DEFAULT 0,
	created_at           TEXT    NOT NULL DEFAULT '',
	updated_at           TEXT    NOT NULL DEFAULT '',
	closed_at            TEXT    NOT NULL DEFAULT '',
	merged_at            TEXT    NOT NULL DEFAULT '',
	-- when the proposal entered discussion / FCP, when known ('' otherwise)
	discussion_at        TEXT    NOT NULL DEFAULT '',
	fcp_at               TEXT    NOT NULL DEFAULT '',
	head_sha             TEXT    NOT NULL DEFAULT '',
	abstract             TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (committee_id, number)
);
CREATE INDEX proposals_tracked_state ON proposals (committee_id, tracked, state);

-- Conditional-request cache for the GitHub API: the ETag, Link header and
-- body of each URL's last 200 answer, replayed when GitHub answers 304.
CREATE TABLE github_responses (
	url        TEXT PRIMARY KEY,
	etag       TEXT NOT NULL,
	link       TEXT NOT NULL DEFAULT '',
	body       BLOB NOT NULL,
	fetched_at TEXT NOT NULL
);

-- Reconciliation state per committee.
CREATE TABLE github_sync (
	committee_id    TEXT PRIMARY KEY,
	last_synced_at  TEXT NOT NULL DEFAULT '', -- last successful sync
	last_attempt_at TEXT NOT NULL DEFAULT '',
	last_error      TEXT NOT NULL DEFAULT ''  -- '' when the last attempt succeeded
);

-- Webhook deliveries already applied (X-GitHub-Delivery), so a redelivery
-- has no second effect.
CREATE TABLE github_deliveries (
	delivery_id  TEXT PRIMARY KEY,
	committee_id TEXT    NOT NULL,
	event        TEXT    NOT NULL,
	action       TEXT    NOT NULL,
	number       INTEGER NOT NULL,
	received_at  TEXT    NOT NULL
);

-- Agendas on record: the agenda of a meeting as it stood when the meeting
-- started, served unchanged from then on.
CREATE TABLE agenda_snapshots (
	meeting_id   TEXT PRIMARY KEY,
	committee_id TEXT NOT NULL,
	frozen_at    TEXT NOT NULL,
	body         BLOB NOT NULL -- JSON of agenda.Agenda
);
