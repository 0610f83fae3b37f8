-- Commands of a meeting run live, by the id their client gave them
-- (RunCommand's command_id): a command retried after a lost answer or a
-- restart is not run twice, and its first reply is given again. The row is
-- written in the transaction of the command's change; the reply right after.
-- The rowid orders them (a watcher is told the last ones: LastCommands).
CREATE TABLE live_commands (
  meeting_id TEXT NOT NULL,
  command_id TEXT NOT NULL,
  reply      TEXT NOT NULL DEFAULT '',
  run_at     TEXT NOT NULL,
  PRIMARY KEY (meeting_id, command_id)
);

-- undo looks for the last entries one person made in a meeting's record.
CREATE INDEX audit_log_subject ON audit_log (subject, id);
