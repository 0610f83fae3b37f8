-- The text of each meeting's calendar event as last published (issue 11):
-- a fingerprint of what it shows and how often that changed. Feeds add
-- the count to the meeting's SEQUENCE, so calendar clients refresh an
-- event whose description changed (agenda to minutes link, and so on).
CREATE TABLE event_texts (
	meeting_id   TEXT    PRIMARY KEY,
	committee_id TEXT    NOT NULL,
	sha256       TEXT    NOT NULL,
	sequence     INTEGER NOT NULL,
	updated_at   TEXT    NOT NULL
);
CREATE INDEX event_texts_committee ON event_texts (committee_id);
