-- Meetings recorded live (issue 10). Attendance taken one person at a
-- time keeps when each arrived and left (a member who left no longer
-- counts toward quorum). A motion keeps the topic it was put under, and
-- what it decides about the committee itself: a passed chair election,
-- appointment or removal is a roster decision, applied on top of the
-- configured committee from the meeting's date.
ALTER TABLE minutes_attendees ADD COLUMN arrived_at TEXT NOT NULL DEFAULT '';
ALTER TABLE minutes_attendees ADD COLUMN left_at TEXT NOT NULL DEFAULT '';
ALTER TABLE motions ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE motions ADD COLUMN kind TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'elect_chair', 'appoint', 'remove'));
ALTER TABLE motions ADD COLUMN subject_id TEXT NOT NULL DEFAULT '';
ALTER TABLE motions ADD COLUMN subject_name TEXT NOT NULL DEFAULT '';
CREATE INDEX motions_roster ON motions (kind) WHERE kind <> '';
