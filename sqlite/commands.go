package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
)

// claimCommand puts the id of the command ctx carries on record in the
// command's first write transaction: alesco.ErrCommandRan when it is
// there already.
func (t *txn) claimCommand(cmd *alesco.LiveCommand) error {
	if cmd == nil || cmd.Claimed() {
		return nil
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO live_commands (meeting_id, command_id, run_at) VALUES (?, ?, ?)
		ON CONFLICT (meeting_id, command_id) DO NOTHING`, cmd.MeetingID, cmd.ID, FormatTime(t.now))
	if err != nil {
		return fmt.Errorf("sqlite: command: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return alesco.ErrCommandRan
	}
	return nil
}

// CommandReply implements alesco.ReadTx.
func (t *txn) CommandReply(meetingID, commandID string) (string, bool, error) {
	var reply string
	err := t.queryRow(`SELECT reply FROM live_commands WHERE meeting_id = ? AND command_id = ?`, meetingID, commandID).Scan(&reply)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("sqlite: command reply: %w", err)
	}
	return reply, true, nil
}

// SaveCommandReply implements alesco.Tx. It is bookkeeping: nothing
// derived depends on it.
func (t *txn) SaveCommandReply(meetingID, commandID, reply string) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO live_commands (meeting_id, command_id, reply, run_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (meeting_id, command_id) DO UPDATE SET reply = excluded.reply`, meetingID, commandID, reply, FormatTime(t.now))
	if err != nil {
		return fmt.Errorf("sqlite: save command reply: %w", err)
	}
	return nil
}

// LastCommands implements alesco.ReadTx.
func (t *txn) LastCommands(meetingID string, limit int) ([]string, error) {
	var out []string
	err := t.each(`SELECT command_id FROM (SELECT command_id, rowid AS n FROM live_commands WHERE meeting_id = ? ORDER BY n DESC LIMIT ?)
		ORDER BY n`, []any{meetingID, limit}, func(r *sql.Rows) error {
		var id string
		err := r.Scan(&id)
		out = append(out, id)
		return err
	})
	return out, err
}

// AuditOf implements alesco.ReadTx.
func (t *txn) AuditOf(subject, actor string, actions []string, limit int) ([]alesco.AuditEntry, error) {
	args := []any{subject, actor}
	for _, a := range actions {
		args = append(args, a)
	}
	args = append(args, limit)
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(actions)), ", ")
	var out []alesco.AuditEntry
	err := t.each(`SELECT `+auditColumns+` FROM audit_log WHERE subject = ? AND actor = ? AND action IN (`+marks+`) ORDER BY id DESC LIMIT ?`, args,
		func(r *sql.Rows) error {
			e, err := scanAudit(r)
			out = append(out, e)
			return err
		})
	return out, err
}
