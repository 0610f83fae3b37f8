-- Decisions between meetings (issue 22): the comments and reviews of RFC
-- pull requests that alesco has read, by webhook or sync. What they say
-- (votes, concerns) is worked out from them by the domain
-- (Committee.Discussion), so an edit replaces the row and a deletion
-- removes it. late: written after the minutes that decided the RFC were
-- final; kept, never counted.
CREATE TABLE discussion_comments (
	committee_id TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('comment', 'review')),
	id           INTEGER NOT NULL,
	number       INTEGER NOT NULL,
	author       TEXT NOT NULL,
	url          TEXT NOT NULL,
	body         TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	late         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (committee_id, kind, id)
);

CREATE INDEX discussion_comments_pull ON discussion_comments (committee_id, number);
