package sqlite

import (
	"context"
	"time"

	"github.com/almalinux/alesco"
)

// OpenItemsBefore returns what the minutes of the committee's meetings held
// before the given instant left open: tabled or punted motions not settled
// since, and action items not completed. (Minutes issue: until then none.)
func (db *DB) OpenItemsBefore(ctx context.Context, committeeID string, before time.Time) ([]alesco.CarryOverItem, error) {
	return nil, nil
}
