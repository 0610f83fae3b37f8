package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/almalinux/alesco"
)

const changeColumns = `meeting_id, committee_id, kind, original_start, start_time, end_time, title, reason, cancelled, sequence, updated_at, all_day, venue, join_url`

func scanMeetingChange(r scanner) (alesco.MeetingChange, error) {
	var ch alesco.MeetingChange
	var kind, orig, start, end, updated string
	if err := r.Scan(&ch.MeetingID, &ch.CommitteeID, &kind, &orig, &start, &end, &ch.Title, &ch.Reason, &ch.Cancelled, &ch.Sequence, &updated,
		&ch.AllDay, &ch.Venue, &ch.JoinURL); err != nil {
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

// MeetingOverlay implements alesco.ReadTx.
func (t *txn) MeetingOverlay(committeeID string) ([]alesco.MeetingChange, map[string]bool, error) {
	var changes []alesco.MeetingChange
	err := t.each(`SELECT `+changeColumns+` FROM meeting_changes WHERE committee_id = ? ORDER BY meeting_id`, []any{committeeID},
		func(r *sql.Rows) error {
			ch, err := scanMeetingChange(r)
			changes = append(changes, ch)
			return err
		})
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: meeting changes: %w", err)
	}
	held := map[string]bool{}
	err = t.each(`SELECT meeting_id FROM minutes WHERE committee_id = ?`, []any{committeeID}, func(r *sql.Rows) error {
		var id string
		err := r.Scan(&id)
		held[id] = true
		return err
	})
	return changes, held, err
}

// SaveMeetingChange implements alesco.Tx.
func (t *txn) SaveMeetingChange(ch alesco.MeetingChange) (alesco.MeetingChange, error) {
	t.touch(ch.CommitteeID)
	var seq int
	err := t.queryRow(`SELECT sequence FROM meeting_changes WHERE meeting_id = ?`, ch.MeetingID).Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ch, fmt.Errorf("sqlite: meeting change: %w", err)
	}
	if seq != ch.Sequence {
		if ch.Kind == alesco.ChangeAdd && ch.Sequence == 0 {
			return ch, alesco.Errorf(alesco.EEXISTS, "meeting %s already exists", ch.MeetingID)
		}
		return ch, alesco.Errorf(alesco.ECONFLICT, "meeting %s was changed by someone else meanwhile; look at it again and retry", ch.MeetingID)
	}
	ch.Sequence, ch.Updated = seq+1, t.now
	_, err = t.exec(`INSERT INTO meeting_changes (`+changeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (meeting_id) DO UPDATE SET kind = excluded.kind, start_time = excluded.start_time,
		end_time = excluded.end_time, title = excluded.title, reason = excluded.reason,
		cancelled = excluded.cancelled, sequence = excluded.sequence, updated_at = excluded.updated_at,
		all_day = excluded.all_day, venue = excluded.venue, join_url = excluded.join_url`,
		ch.MeetingID, ch.CommitteeID, string(ch.Kind), FormatTime(ch.OriginalStart), FormatTime(ch.Start), FormatTime(ch.End),
		ch.Title, ch.Reason, ch.Cancelled, ch.Sequence, FormatTime(ch.Updated), ch.AllDay, ch.Venue, ch.JoinURL)
	if err != nil {
		return ch, fmt.Errorf("sqlite: save meeting change: %w", err)
	}
	return ch, nil
}

// EventTexts implements alesco.ReadTx.
func (t *txn) EventTexts(committeeID string) (map[string]alesco.EventText, error) {
	out := map[string]alesco.EventText{}
	err := t.each(`SELECT meeting_id, committee_id, sha256, sequence, updated_at FROM event_texts WHERE committee_id = ?`, []any{committeeID},
		func(r *sql.Rows) error {
			var e alesco.EventText
			var at string
			if err := r.Scan(&e.MeetingID, &e.CommitteeID, &e.Hash, &e.Sequence, &at); err != nil {
				return err
			}
			var err error
			e.Updated, err = ParseTime(at)
			out[e.MeetingID] = e
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlite: event texts: %w", err)
	}
	return out, nil
}

// SaveEventTexts implements alesco.Tx.
func (t *txn) SaveEventTexts(texts []alesco.EventText) error {
	defer t.quietly()()
	for _, e := range texts {
		if _, err := t.exec(`INSERT INTO event_texts (meeting_id, committee_id, sha256, sequence, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (meeting_id) DO UPDATE SET sha256 = excluded.sha256, sequence = excluded.sequence, updated_at = excluded.updated_at`,
			e.MeetingID, e.CommitteeID, e.Hash, e.Sequence, FormatTime(e.Updated)); err != nil {
			return fmt.Errorf("sqlite: save event text: %w", err)
		}
	}
	return nil
}
