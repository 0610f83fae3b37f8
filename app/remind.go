package app

import (
	"context"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/notice"
)

// remindMembers queues the reminder before each meeting of c that is due
// (alesco.Committee.Remind): the members who have not voted on the RFCs it
// votes on, named in chat once per meeting. The clock drives it: the
// outbox worker calls it every pass, through AnnounceMeetings.
func (a *App) remindMembers(ctx context.Context, c *alesco.Committee, now time.Time) error {
	if !c.Notify.Chats(alesco.AnnounceReminders) {
		return nil
	}
	before := c.Notify.ReminderBefore
	if before == 0 {
		before = alesco.DefaultReminderBefore
	}
	var due []alesco.Effect
	if err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, err := loadSchedule(tx, c)
		if err != nil {
			return err
		}
		for _, m := range s.between(now, now.Add(before+time.Minute)) {
			if queued, err := tx.Outbox(alesco.OutboxFilter{Key: "chat:reminder:" + m.ID}); err != nil || len(queued) > 0 {
				if err != nil {
					return err
				}
				continue // reminded already
			}
			effects, err := a.reminder(tx, c, m, now)
			if err != nil {
				return err
			}
			due = append(due, effects...)
		}
		return nil
	}); err != nil || len(due) == 0 {
		return err
	}
	return a.queueDue(ctx, c, "outbox.remind", due)
}

// reminder is the reminder effect before meeting m, read in tx (none when
// every member has voted, or it is not due).
func (a *App) reminder(tx alesco.ReadTx, c *alesco.Committee, m alesco.Meeting, now time.Time) ([]alesco.Effect, error) {
	ps, err := tx.Proposals(c.ID, alesco.ProposalFCP)
	if err != nil {
		return nil, err
	}
	ds := map[int]alesco.Discussion{}
	for _, p := range ps {
		if ds[p.Number], err = discussionOf(tx, c, p.Number); err != nil {
			return nil, err
		}
	}
	return c.Remind(m, now, c.AwaitingVotes(m, ps, ds), a.meetingPage(c.ID, m.ID), notice.Texts{}), nil
}
