-- Minutes of meetings (minutes issue). One row per meeting that has minutes;
-- its children hold attendance, notes, motions, votes, decisions and action
-- items. Final minutes are immutable: the store refuses writes, and these
-- triggers refuse them too, so no code path can change a finalized record
-- except an amendment (status back to draft with the revision bumped, the
-- old text kept in minutes_revisions).
CREATE TABLE minutes (
	meeting_id     TEXT    PRIMARY KEY,
	committee_id   TEXT    NOT NULL,
	meeting_date   TEXT    NOT NULL,
	start_time     TEXT    NOT NULL,
	status         TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
	source         TEXT    NOT NULL DEFAULT 'recorded' CHECK (source IN ('recorded', 'markdown')),
	revision       INTEGER NOT NULL DEFAULT 1,
	recorded_by    TEXT    NOT NULL DEFAULT '[]', -- JSON array of names
	edited_by      TEXT    NOT NULL DEFAULT '[]',
	markdown       TEXT    NOT NULL DEFAULT '',   -- frozen text of final minutes
	finalized_at   TEXT    NOT NULL DEFAULT '',
	content_sha256 TEXT    NOT NULL DEFAULT '',   -- of the imported record, for idempotent import
	created_at     TEXT    NOT NULL,
	updated_at     TEXT    NOT NULL
);
CREATE INDEX minutes_committee ON minutes (committee_id, start_time);

CREATE TABLE minutes_attendees (
	id         INTEGER PRIMARY KEY,
	meeting_id TEXT    NOT NULL REFERENCES minutes (meeting_id),
	kind       TEXT    NOT NULL CHECK (kind IN ('member', 'board', 'community')),
	member_id  TEXT    NOT NULL DEFAULT '',
	name       TEXT    NOT NULL,
	absent     INTEGER NOT NULL DEFAULT 0,
	note       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX minutes_attendees_meeting ON minutes_attendees (meeting_id);

CREATE TABLE minutes_notes (
	id              INTEGER PRIMARY KEY,
	meeting_id      TEXT    NOT NULL REFERENCES minutes (meeting_id),
	topic           TEXT    NOT NULL DEFAULT '',
	proposal_number INTEGER NOT NULL DEFAULT 0,
	text            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX minutes_notes_meeting ON minutes_notes (meeting_id);

CREATE TABLE motions (
	id                    INTEGER PRIMARY KEY,
	meeting_id            TEXT    NOT NULL REFERENCES minutes (meeting_id),
	title                 TEXT    NOT NULL,
	proposal_number       INTEGER NOT NULL DEFAULT 0,
	status                TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	outcome               TEXT    NOT NULL DEFAULT '' CHECK (outcome IN ('', 'passed', 'rejected', 'tied', 'tabled', 'punted')),
	unanimous             INTEGER NOT NULL DEFAULT 0,
	designated_member_id  TEXT    NOT NULL DEFAULT '',
	opened_at             TEXT    NOT NULL,
	closed_at             TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX motions_meeting ON motions (meeting_id);

-- One vote per member per motion: a second vote replaces the first (the
-- audit log keeps both).
CREATE TABLE votes (
	motion_id     INTEGER NOT NULL REFERENCES motions (id),
	member_id     TEXT    NOT NULL,
	member_name   TEXT    NOT NULL,
	value         INTEGER NOT NULL CHECK (value IN (-1, 0, 1)),
	source        TEXT    NOT NULL CHECK (source IN ('live', 'async')),
	reference_url TEXT    NOT NULL DEFAULT '',
	cast_at       TEXT    NOT NULL,
	seq           INTEGER NOT NULL, -- order of first casting
	UNIQUE (motion_id, member_id)
);

CREATE TABLE deciding_votes (
	motion_id   INTEGER PRIMARY KEY REFERENCES motions (id),
	member_id   TEXT    NOT NULL,
	member_name TEXT    NOT NULL,
	value       INTEGER NOT NULL CHECK (value IN (-1, 1)),
	cast_at     TEXT    NOT NULL
);

CREATE TABLE decisions (
	id              INTEGER PRIMARY KEY,
	meeting_id      TEXT    NOT NULL REFERENCES minutes (meeting_id),
	text            TEXT    NOT NULL,
	details         TEXT    NOT NULL DEFAULT '[]', -- JSON array
	motion_id       INTEGER NOT NULL DEFAULT 0,
	proposal_number INTEGER NOT NULL DEFAULT 0,
	outcome         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX decisions_meeting ON decisions (meeting_id);

CREATE TABLE action_items (
	id           INTEGER PRIMARY KEY,
	meeting_id   TEXT    NOT NULL REFERENCES minutes (meeting_id),
	owner        TEXT    NOT NULL DEFAULT '',
	text         TEXT    NOT NULL,
	done         INTEGER NOT NULL DEFAULT 0,
	completed_at TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX action_items_meeting ON action_items (meeting_id);

-- Earlier finalized versions of amended minutes; never changed.
CREATE TABLE minutes_revisions (
	meeting_id   TEXT    NOT NULL REFERENCES minutes (meeting_id),
	revision     INTEGER NOT NULL,
	reason       TEXT    NOT NULL,
	markdown     TEXT    NOT NULL,
	finalized_at TEXT    NOT NULL,
	PRIMARY KEY (meeting_id, revision)
);
CREATE TRIGGER minutes_revisions_no_update BEFORE UPDATE ON minutes_revisions
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER minutes_revisions_no_delete BEFORE DELETE ON minutes_revisions
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;

-- A final row changes only by an amendment: back to draft, next revision.
CREATE TRIGGER minutes_final_update BEFORE UPDATE ON minutes
WHEN OLD.status = 'final' AND NOT (NEW.status = 'draft' AND NEW.revision = OLD.revision + 1)
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER minutes_final_delete BEFORE DELETE ON minutes WHEN OLD.status = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;

-- Children of final minutes are frozen (generated list; one trigger per table and operation).
CREATE TRIGGER minutes_attendees_final_insert BEFORE INSERT ON minutes_attendees WHEN (SELECT status FROM minutes WHERE meeting_id = NEW.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER minutes_attendees_final_update BEFORE UPDATE ON minutes_attendees WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER minutes_attendees_final_delete BEFORE DELETE ON minutes_attendees WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER minutes_notes_final_insert BEFORE INSERT ON minutes_notes WHEN (SELECT status FROM minutes WHERE meeting_id = NEW.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER minutes_notes_final_update BEFORE UPDATE ON minutes_notes WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER minutes_notes_final_delete BEFORE DELETE ON minutes_notes WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER motions_final_insert BEFORE INSERT ON motions WHEN (SELECT status FROM minutes WHERE meeting_id = NEW.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER motions_final_update BEFORE UPDATE ON motions WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER motions_final_delete BEFORE DELETE ON motions WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER decisions_final_insert BEFORE INSERT ON decisions WHEN (SELECT status FROM minutes WHERE meeting_id = NEW.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER decisions_final_update BEFORE UPDATE ON decisions WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER decisions_final_delete BEFORE DELETE ON decisions WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER votes_final_insert BEFORE INSERT ON votes WHEN (SELECT status FROM minutes WHERE meeting_id = (SELECT meeting_id FROM motions WHERE id = NEW.motion_id)) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER votes_final_update BEFORE UPDATE ON votes WHEN (SELECT status FROM minutes WHERE meeting_id = (SELECT meeting_id FROM motions WHERE id = OLD.motion_id)) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER votes_final_delete BEFORE DELETE ON votes WHEN (SELECT status FROM minutes WHERE meeting_id = (SELECT meeting_id FROM motions WHERE id = OLD.motion_id)) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER deciding_votes_final_insert BEFORE INSERT ON deciding_votes WHEN (SELECT status FROM minutes WHERE meeting_id = (SELECT meeting_id FROM motions WHERE id = NEW.motion_id)) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER deciding_votes_final_update BEFORE UPDATE ON deciding_votes WHEN (SELECT status FROM minutes WHERE meeting_id = (SELECT meeting_id FROM motions WHERE id = OLD.motion_id)) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER deciding_votes_final_delete BEFORE DELETE ON deciding_votes WHEN (SELECT status FROM minutes WHERE meeting_id = (SELECT meeting_id FROM motions WHERE id = OLD.motion_id)) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER action_items_final_insert BEFORE INSERT ON action_items WHEN (SELECT status FROM minutes WHERE meeting_id = NEW.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER action_items_final_update BEFORE UPDATE OF meeting_id, owner, text ON action_items WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
CREATE TRIGGER action_items_final_delete BEFORE DELETE ON action_items WHEN (SELECT status FROM minutes WHERE meeting_id = OLD.meeting_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'minutes are final; amend them'); END;
