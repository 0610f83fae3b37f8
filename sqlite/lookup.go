package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/almalinux/alesco"
)

// CommitteeOfMotion returns the committee a motion belongs to.
func (db *DB) CommitteeOfMotion(ctx context.Context, id int64) (string, error) {
	return db.committeeOf(ctx, `SELECT m.committee_id FROM motions x JOIN minutes m ON m.meeting_id = x.meeting_id WHERE x.id = ?`, id, "motion")
}

// CommitteeOfActionItem returns the committee an action item belongs to.
func (db *DB) CommitteeOfActionItem(ctx context.Context, id int64) (string, error) {
	return db.committeeOf(ctx, `SELECT m.committee_id FROM action_items x JOIN minutes m ON m.meeting_id = x.meeting_id WHERE x.id = ?`, id, "action item")
}

func (db *DB) committeeOf(ctx context.Context, query string, id int64, what string) (string, error) {
	if id <= 0 {
		return "", alesco.Errorf(alesco.EINVALID, "%s id is required", what)
	}
	var c string
	err := db.View(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, query, id).Scan(&c)
		if errors.Is(err, sql.ErrNoRows) {
			return alesco.Errorf(alesco.ENOTFOUND, "no %s %d", what, id)
		} else if err != nil {
			return fmt.Errorf("sqlite: %s committee: %w", what, err)
		}
		return nil
	})
	return c, err
}
