-- Changes to meetings on top of the configured series: one row per changed
-- meeting, holding its latest state. Every change bumps sequence.
CREATE TABLE meeting_changes (
	meeting_id     TEXT    PRIMARY KEY,
	committee_id   TEXT    NOT NULL,
	kind           TEXT    NOT NULL CHECK (kind IN ('cancel', 'move', 'add')),
	original_start TEXT    NOT NULL,
	start_time     TEXT    NOT NULL,
	end_time       TEXT    NOT NULL,
	title          TEXT    NOT NULL DEFAULT '',
	reason         TEXT    NOT NULL DEFAULT '',
	cancelled      INTEGER NOT NULL DEFAULT 0,
	sequence       INTEGER NOT NULL DEFAULT 0,
	updated_at     TEXT    NOT NULL
);
CREATE INDEX meeting_changes_committee ON meeting_changes (committee_id);
