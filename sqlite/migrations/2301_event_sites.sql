-- The events site (issue 23): per committee, the last good copy of its
-- events site's export (the events, as JSON), the validators to ask for it
-- again (ETag, Last-Modified) and how the last reading went.
CREATE TABLE event_sites (
	committee_id  TEXT PRIMARY KEY,
	url           TEXT NOT NULL,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	events        TEXT NOT NULL DEFAULT '[]',
	read_at       TEXT NOT NULL DEFAULT '',
	attempt_at    TEXT NOT NULL DEFAULT '',
	error         TEXT NOT NULL DEFAULT ''
);
