package sqlite

import (
	"context"

	"github.com/almalinux/alesco"
)

// CommitteeOfMotion returns the committee a motion belongs to. The minutes
// issue replaces this with a lookup in its tables.
func (db *DB) CommitteeOfMotion(ctx context.Context, id int64) (string, error) {
	return "", alesco.Errorf(alesco.ENOTFOUND, "no motion %d", id)
}

// CommitteeOfActionItem returns the committee an action item belongs to. The
// minutes issue replaces this with a lookup in its tables.
func (db *DB) CommitteeOfActionItem(ctx context.Context, id int64) (string, error) {
	return "", alesco.Errorf(alesco.ENOTFOUND, "no action item %d", id)
}
