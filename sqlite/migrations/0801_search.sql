-- Full-text search over the record (issue 14): notes under their topics,
-- decisions, action items and tracked proposals, in one FTS5 index ranked
-- by bm25. Triggers keep it current in the same transaction as every write
-- to those tables, whatever code path makes it (minutes saved, imported or
-- amended, proposals synced or changed by a webhook); this migration fills
-- it from the data already stored.
--
-- rowid: a note, decision or action item is its own id * 4 + 0, 1 or 2; a
-- proposal is its row's rowid * 4 + 3. Proposals are written with INSERT OR
-- REPLACE, which fires no delete trigger, so their insert trigger removes
-- the proposal's old entry itself.
CREATE VIRTUAL TABLE search_index USING fts5(
	kind            UNINDEXED, -- note, decision, action, proposal
	committee_id    UNINDEXED,
	meeting_id      UNINDEXED, -- '' for proposals
	ref             UNINDEXED, -- note, decision or action item id; proposal number
	proposal_number UNINDEXED,
	url             UNINDEXED, -- a proposal's pull request
	title,                     -- a note's topic, an action item's owner, a proposal's title
	body,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER search_note_insert AFTER INSERT ON minutes_notes BEGIN
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.id * 4, 'note', committee_id, NEW.meeting_id, NEW.id, NEW.proposal_number, '', NEW.topic, NEW.text
	FROM minutes WHERE meeting_id = NEW.meeting_id;
END;
CREATE TRIGGER search_note_update AFTER UPDATE ON minutes_notes BEGIN
	DELETE FROM search_index WHERE rowid = OLD.id * 4;
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.id * 4, 'note', committee_id, NEW.meeting_id, NEW.id, NEW.proposal_number, '', NEW.topic, NEW.text
	FROM minutes WHERE meeting_id = NEW.meeting_id;
END;
CREATE TRIGGER search_note_delete AFTER DELETE ON minutes_notes BEGIN
	DELETE FROM search_index WHERE rowid = OLD.id * 4;
END;

CREATE TRIGGER search_decision_insert AFTER INSERT ON decisions BEGIN
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.id * 4 + 1, 'decision', committee_id, NEW.meeting_id, NEW.id, NEW.proposal_number, '', '',
		NEW.text || COALESCE((SELECT char(10) || group_concat(value, char(10)) FROM json_each(NEW.details)), '')
	FROM minutes WHERE meeting_id = NEW.meeting_id;
END;
CREATE TRIGGER search_decision_update AFTER UPDATE ON decisions BEGIN
	DELETE FROM search_index WHERE rowid = OLD.id * 4 + 1;
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.id * 4 + 1, 'decision', committee_id, NEW.meeting_id, NEW.id, NEW.proposal_number, '', '',
		NEW.text || COALESCE((SELECT char(10) || group_concat(value, char(10)) FROM json_each(NEW.details)), '')
	FROM minutes WHERE meeting_id = NEW.meeting_id;
END;
CREATE TRIGGER search_decision_delete AFTER DELETE ON decisions BEGIN
	DELETE FROM search_index WHERE rowid = OLD.id * 4 + 1;
END;

CREATE TRIGGER search_action_insert AFTER INSERT ON action_items BEGIN
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.id * 4 + 2, 'action', committee_id, NEW.meeting_id, NEW.id, 0, '', NEW.owner, NEW.text
	FROM minutes WHERE meeting_id = NEW.meeting_id;
END;
CREATE TRIGGER search_action_update AFTER UPDATE OF owner, text, meeting_id ON action_items BEGIN
	DELETE FROM search_index WHERE rowid = OLD.id * 4 + 2;
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.id * 4 + 2, 'action', committee_id, NEW.meeting_id, NEW.id, 0, '', NEW.owner, NEW.text
	FROM minutes WHERE meeting_id = NEW.meeting_id;
END;
CREATE TRIGGER search_action_delete AFTER DELETE ON action_items BEGIN
	DELETE FROM search_index WHERE rowid = OLD.id * 4 + 2;
END;

CREATE TRIGGER search_proposal_insert AFTER INSERT ON proposals BEGIN
	DELETE FROM search_index WHERE kind = 'proposal' AND committee_id = NEW.committee_id AND ref = NEW.number;
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.rowid * 4 + 3, 'proposal', NEW.committee_id, '', NEW.number, NEW.number, NEW.url, NEW.title, NEW.abstract
	WHERE NEW.tracked = 1;
END;
CREATE TRIGGER search_proposal_update AFTER UPDATE ON proposals BEGIN
	DELETE FROM search_index WHERE kind = 'proposal' AND committee_id = OLD.committee_id AND ref = OLD.number;
	INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
	SELECT NEW.rowid * 4 + 3, 'proposal', NEW.committee_id, '', NEW.number, NEW.number, NEW.url, NEW.title, NEW.abstract
	WHERE NEW.tracked = 1;
END;
CREATE TRIGGER search_proposal_delete AFTER DELETE ON proposals BEGIN
	DELETE FROM search_index WHERE kind = 'proposal' AND committee_id = OLD.committee_id AND ref = OLD.number;
END;

INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
SELECT n.id * 4, 'note', m.committee_id, n.meeting_id, n.id, n.proposal_number, '', n.topic, n.text
FROM minutes_notes n JOIN minutes m ON m.meeting_id = n.meeting_id;
INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
SELECT d.id * 4 + 1, 'decision', m.committee_id, d.meeting_id, d.id, d.proposal_number, '', '',
	d.text || COALESCE((SELECT char(10) || group_concat(value, char(10)) FROM json_each(d.details)), '')
FROM decisions d JOIN minutes m ON m.meeting_id = d.meeting_id;
INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
SELECT a.id * 4 + 2, 'action', m.committee_id, a.meeting_id, a.id, 0, '', a.owner, a.text
FROM action_items a JOIN minutes m ON m.meeting_id = a.meeting_id;
INSERT INTO search_index (rowid, kind, committee_id, meeting_id, ref, proposal_number, url, title, body)
SELECT rowid * 4 + 3, 'proposal', committee_id, '', number, number, url, title, abstract
FROM proposals WHERE tracked = 1;
