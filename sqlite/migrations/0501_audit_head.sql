-- The head of the audit chain: how many rows the log has and the hash of
-- the last one (issue 11). It lives apart from the rows it describes, so
-- rows deleted from the end of the log (which the chain alone cannot show:
-- what is left still links up) leave the head pointing past the end.
-- `alesco audit head` prints it for publication outside the database.
CREATE TABLE audit_head (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	row_count INTEGER NOT NULL,
	hash      TEXT    NOT NULL
);
INSERT INTO audit_head (id, row_count, hash)
SELECT 1, COALESCE(MAX(id), 0), COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '') FROM audit_log;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.row_count != OLD.row_count + 1
BEGIN SELECT RAISE(ABORT, 'the audit head moves forward one row at a time'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head is kept'); END;
