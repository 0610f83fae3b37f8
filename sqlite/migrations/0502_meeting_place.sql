-- Meetings whose time is not on record, and where meetings take place
-- (issue 11). A meeting added from imported minutes (kind 'add', reason
-- "minutes imported from FILE") was given an invented time by earlier
-- releases: it is all day from now on.
ALTER TABLE meeting_changes ADD COLUMN all_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meeting_changes ADD COLUMN venue TEXT NOT NULL DEFAULT '';
ALTER TABLE meeting_changes ADD COLUMN join_url TEXT NOT NULL DEFAULT '';
UPDATE meeting_changes SET all_day = 1 WHERE kind = 'add' AND reason LIKE 'minutes imported from %';
