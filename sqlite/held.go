package sqlite

import (
	"context"
	"database/sql"
)

// HeldMeetingIDs returns the ids of a committee's meetings that have
// minutes, draft or final (their status is HELD).
func (db *DB) HeldMeetingIDs(ctx context.Context, committeeID string) (map[string]bool, error) {
	out := map[string]bool{}
	err := db.View(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT meeting_id FROM minutes WHERE committee_id = ?`, []any{committeeID}, func(r *sql.Rows) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
	})
	return out, err
}
