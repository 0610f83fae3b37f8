package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/almalinux/alesco"
)

// MeetingChanges returns every stored change of a committee's meetings.
func (db *DB) MeetingChanges(ctx context.Context, committeeID string) ([]alesco.MeetingChange, error) {
	var out []alesco.MeetingChange
	err := db.View(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = meetingChanges(ctx, tx, committeeID)
		return err
	})
	return out, err
}

func meetingChanges(ctx context.Context, tx *sql.Tx, committeeID string) ([]alesco.MeetingChange, error) {
	rows, err := tx.QueryContext(ctx, `SELECT meeting_id, committee_id, kind, original_start, start_time, end_time,
		title, reason, cancelled, sequence, updated_at FROM meeting_changes WHERE committee_id = ? ORDER BY meeting_id`, committeeID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: meeting changes: %w", err)
	}
	defer rows.Close()
	var out []alesco.MeetingChange
	for rows.Next() {
		ch, err := scanMeetingChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanMeetingChange(r scanner) (alesco.MeetingChange, error) {
	var ch alesco.MeetingChange
	var kind, orig, start, end, updated string
	if err := r.Scan(&ch.MeetingID, &ch.CommitteeID, &kind, &orig, &start, &end, &ch.Title, &ch.Reason, &ch.Cancelled, &ch.Sequence, &updated); err != nil {
		return ch, err
	}
	ch.Kind = alesco.MeetingChangeKind(kind)
	var err error
	if ch.OriginalStart, err = ParseTime(orig); err != nil {
		return ch, err
	}
	if ch.Start, err = ParseTime(start); err != nil {
		return ch, err
	}
	if ch.End, err = ParseTime(end); err != nil {
		return ch, err
	}
	ch.Updated, err = ParseTime(updated)
	return ch, err
}

// MeetingChange returns the stored change of one meeting, if any.
func (db *DB) MeetingChange(ctx context.Context, meetingID string) (alesco.MeetingChange, bool, error) {
	var ch alesco.MeetingChange
	found := false
	err := db.View(ctx, func(tx *sql.Tx) error {
		var err error
		ch, err = scanMeetingChange(tx.QueryRowContext(ctx, `SELECT meeting_id, committee_id, kind, original_start, start_time, end_time,
			title, reason, cancelled, sequence, updated_at FROM meeting_changes WHERE meeting_id = ?`, meetingID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	return ch, found, err
}

// SaveMeetingChange stores the latest state of a changed meeting. It bumps
// the sequence past the stored one and stamps the update time from the
// clock. ch.Sequence is the sequence the caller read (0 for a meeting never
// changed): if the stored one differs, someone changed the meeting in
// between (or an added meeting's id is taken) and it returns ECONFLICT.
func (db *DB) SaveMeetingChange(ctx context.Context, ch alesco.MeetingChange) (alesco.MeetingChange, error) {
	err := db.Update(ctx, "meeting."+string(ch.Kind), "meeting/"+ch.MeetingID,
		map[string]any{"start": FormatTime(ch.Start), "reason": ch.Reason, "title": ch.Title, "cancelled": ch.Cancelled},
		func(tx *sql.Tx) error {
			var seq int
			err := tx.QueryRowContext(ctx, `SELECT sequence FROM meeting_changes WHERE meeting_id = ?`, ch.MeetingID).Scan(&seq)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return fmt.Errorf("sqlite: meeting change: %w", err)
			}
			if seq != ch.Sequence {
				if ch.Kind == alesco.ChangeAdd && ch.Sequence == 0 {
					return alesco.Errorf(alesco.ECONFLICT, "meeting %s already exists", ch.MeetingID)
				}
				return alesco.Errorf(alesco.ECONFLICT, "meeting %s was changed by someone else meanwhile; look at it again and retry", ch.MeetingID)
			}
			ch.Sequence = seq + 1
			ch.Updated = db.now()
			_, err = tx.ExecContext(ctx, `INSERT INTO meeting_changes (meeting_id, committee_id, kind, original_start, start_time, end_time,
				title, reason, cancelled, sequence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (meeting_id) DO UPDATE SET kind = excluded.kind, start_time = excluded.start_time,
				end_time = excluded.end_time, title = excluded.title, reason = excluded.reason,
				cancelled = excluded.cancelled, sequence = excluded.sequence, updated_at = excluded.updated_at`,
				ch.MeetingID, ch.CommitteeID, string(ch.Kind), FormatTime(ch.OriginalStart), FormatTime(ch.Start), FormatTime(ch.End),
				ch.Title, ch.Reason, ch.Cancelled, ch.Sequence, FormatTime(ch.Updated))
			if err != nil {
				return fmt.Errorf("sqlite: save meeting change: %w", err)
			}
			return nil
		})
	return ch, err
}

// LastWrite returns the same version token as DataVersion together with the
// time of that write (zero when nothing was ever written), read in one
// transaction. Feeds use the time as their HTTP Last-Modified: it comes from
// the data, so it only moves when the data does.
func (db *DB) LastWrite(ctx context.Context) (string, time.Time, error) {
	var id int64
	var at string
	err := db.View(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&id, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sqlite: last write: %w", err)
	}
	t, err := ParseTime(at)
	return fmt.Sprint(id), t, err
}
