package sqlite

import (
	"context"
	"database/sql"

	"github.com/almalinux/alesco"
)

// heldMeetingIDs returns the ids of a committee's meetings that have
// minutes, draft or final (their status is HELD).
func heldMeetingIDs(ctx context.Context, tx *sql.Tx, committeeID string) (map[string]bool, error) {
	out := map[string]bool{}
	err := eachRow(ctx, tx, `SELECT meeting_id FROM minutes WHERE committee_id = ?`, []any{committeeID}, func(r *sql.Rows) error {
		var id string
		if err := r.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	})
	return out, err
}

// MeetingOverlay returns, from one snapshot, what a committee's schedule
// needs on top of its configured series (alesco.Committee.Schedule): the
// stored changes and the ids of meetings that have minutes.
func (db *DB) MeetingOverlay(ctx context.Context, committeeID string) (changes []alesco.MeetingChange, held map[string]bool, err error) {
	err = db.View(ctx, func(tx *sql.Tx) error {
		if changes, err = meetingChanges(ctx, tx, committeeID); err != nil {
			return err
		}
		held, err = heldMeetingIDs(ctx, tx, committeeID)
		return err
	})
	return changes, held, err
}
