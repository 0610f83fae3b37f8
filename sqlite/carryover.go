package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// OpenItemsBefore returns what the minutes of the committee's meetings held
// before the given instant left open: tabled or punted motions not taken up
// again since (a later motion on the same proposal, or with the same title
// when it names none, settles it), and action items not completed. Items
// come oldest meeting first.
func (db *DB) OpenItemsBefore(ctx context.Context, committeeID string, before time.Time) ([]alesco.CarryOverItem, error) {
	var out []alesco.CarryOverItem
	err := db.View(ctx, func(tx *sql.Tx) error {
		type motion struct {
			item    alesco.CarryOverItem
			carried bool
		}
		var order []string
		latest := map[string]motion{}
		err := eachRow(ctx, tx, `SELECT x.meeting_id, m.meeting_date, x.title, x.proposal_number, x.outcome FROM motions x
			JOIN minutes m ON m.meeting_id = x.meeting_id
			WHERE m.committee_id = ? AND m.start_time < ? AND x.status = 'closed'
			ORDER BY m.start_time, x.id`, []any{committeeID, FormatTime(before)}, func(r *sql.Rows) error {
			var it alesco.CarryOverItem
			var date, outcome string
			if err := r.Scan(&it.MeetingID, &date, &it.Title, &it.ProposalNumber, &outcome); err != nil {
				return err
			}
			it.Kind = alesco.CarryMotion
			o := alesco.MotionOutcome(outcome)
			if o == alesco.OutcomePunted {
				it.Note = "punted on " + date
			} else {
				it.Note = string(o) + " on " + date
			}
			key := strings.ToLower(strings.TrimSpace(it.Title))
			if it.ProposalNumber != 0 {
				key = fmt.Sprintf("#%d", it.ProposalNumber)
			}
			if _, ok := latest[key]; !ok {
				order = append(order, key)
			}
			latest[key] = motion{item: it, carried: o.Carried()}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range order {
			if m := latest[k]; m.carried {
				out = append(out, m.item)
			}
		}
		return eachRow(ctx, tx, `SELECT a.meeting_id, m.meeting_date, a.owner, a.text FROM action_items a
			JOIN minutes m ON m.meeting_id = a.meeting_id
			WHERE m.committee_id = ? AND m.start_time < ? AND a.done = 0
			ORDER BY m.start_time, a.id`, []any{committeeID, FormatTime(before)}, func(r *sql.Rows) error {
			it := alesco.CarryOverItem{Kind: alesco.CarryActionItem}
			var date string
			if err := r.Scan(&it.MeetingID, &date, &it.Owner, &it.Title); err != nil {
				return err
			}
			it.Note = "action item from " + date
			out = append(out, it)
			return nil
		})
	})
	return out, err
}
