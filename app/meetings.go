package app

import (
	"context"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/notice"
)

// maxListSpan bounds one listing of meetings, so a request cannot ask for
// centuries of them.
const maxListSpan = 5 * 366 * 24 * time.Hour

// schedule is a committee's meetings as one snapshot has them at its
// instant: the configured series with the stored changes, HELD where
// minutes exist and the meeting has started.
type schedule struct {
	c        *alesco.Committee
	changes  []alesco.MeetingChange
	recorded map[string]bool
	now      time.Time
	// site is the committee's events on the events site, as last read
	// (events.go): a meeting with one gets its EventURL.
	site alesco.SiteEvents
}

func loadSchedule(tx alesco.ReadTx, c *alesco.Committee) (schedule, error) {
	changes, recorded, err := tx.MeetingOverlay(c.ID)
	if err != nil {
		return schedule{}, err
	}
	s := schedule{c: c, changes: changes, recorded: recorded, now: tx.Now()}
	s.site, err = siteEventsIn(tx, c)
	return s, err
}

// committeeSchedule loads the schedule of a committee, by id, with its
// recorded decisions (a.committee).
func (a *App) committeeSchedule(tx alesco.ReadTx, committeeID string) (schedule, error) {
	c, err := a.committee(tx, committeeID)
	if err != nil {
		return schedule{}, err
	}
	return loadSchedule(tx, c)
}

// between returns the meetings starting in [from, to).
func (s schedule) between(from, to time.Time) []alesco.Meeting {
	ms := s.c.Schedule(from, to, s.changes, s.recorded, s.now)
	for i := range ms {
		ms[i] = s.linked(ms[i])
	}
	return ms
}

// find returns the meeting with the given id on its original date d.
func (s schedule) find(id string, d alesco.Date) (alesco.Meeting, error) {
	if m, ok := s.c.FindMeeting(id, d, s.changes, s.recorded, s.now); ok {
		return s.linked(m), nil
	}
	return alesco.Meeting{}, alesco.Errorf(alesco.ENOTFOUND, "no meeting %s: %s does not meet on %s", id, s.c.ShortName, d)
}

// next returns the first meeting that is not cancelled and has not ended
// at now.
func (s schedule) next(now time.Time) (alesco.Meeting, error) {
	for span := 60 * 24 * time.Hour; span <= 800*24*time.Hour; span *= 2 {
		for _, m := range s.between(now.Add(-12*time.Hour), now.Add(span)) {
			if m.Status != alesco.MeetingCancelled && m.End.After(now) {
				return m, nil
			}
		}
	}
	return alesco.Meeting{}, alesco.Errorf(alesco.ENOTFOUND, "%s has no upcoming meeting", s.c.ShortName)
}

// meeting finds one meeting by id in a snapshot.
func (a *App) meeting(tx alesco.ReadTx, id string) (schedule, alesco.Meeting, error) {
	c, d, err := a.committeeOfMeeting(tx, id)
	if err != nil {
		return schedule{}, alesco.Meeting{}, err
	}
	s, err := loadSchedule(tx, c)
	if err != nil {
		return s, alesco.Meeting{}, err
	}
	m, err := s.find(id, d)
	return s, m, err
}

// ListMeetings returns a committee's meetings starting in [from, to); zero
// times mean from today's start and three months on.
func (a *App) ListMeetings(ctx context.Context, committeeID string, from, to time.Time) (*alesco.Committee, []alesco.Meeting, error) {
	var c *alesco.Committee
	var ms []alesco.Meeting
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		if c, err = a.committee(tx, committeeID); err != nil {
			return err
		}
		if from.IsZero() {
			from = c.Today(a.now()).Midnight(c.Location)
		}
		if to.IsZero() {
			to = from.AddDate(0, 3, 0)
		}
		switch {
		case !to.After(from):
			return alesco.Errorf(alesco.EINVALID, "end_time (%s) must be after start_time (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
		case to.Sub(from) > maxListSpan:
			return alesco.Errorf(alesco.EINVALID, "ask for at most five years of meetings at a time")
		}
		// The calendar ends at the horizon, as lookups by id do.
		if h := c.HorizonDay(a.now()).AddDays(1).Midnight(c.Location); to.After(h) {
			to = h
		}
		s, err := loadSchedule(tx, c)
		if from.Before(to) {
			ms = s.between(from, to)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, ms, nil
}

// GetMeeting returns one meeting by id.
func (a *App) GetMeeting(ctx context.Context, id string) (alesco.Meeting, error) {
	var m alesco.Meeting
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		_, m, err = a.meeting(tx, id)
		return err
	})
	return m, err
}

// NextMeeting returns a committee's next meeting that is not cancelled and
// has not ended.
func (a *App) NextMeeting(ctx context.Context, committeeID string) (alesco.Meeting, error) {
	var m alesco.Meeting
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, err := a.committeeSchedule(tx, committeeID)
		if err != nil {
			return err
		}
		m, err = s.next(a.now())
		return err
	})
	return m, err
}

// CancelMeeting cancels a meeting (alesco.CancelMeeting's rules), checked
// and written in one transaction.
func (a *App) CancelMeeting(ctx context.Context, id, reason string) (alesco.Meeting, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return alesco.Meeting{}, alesco.Errorf(alesco.EINVALID, "reason is required: say why meeting %s is cancelled (calendars show it)", id)
	}
	return a.changeMeeting(ctx, "meeting.cancel", id, func(m alesco.Meeting, now time.Time) (alesco.MeetingChange, error) {
		return alesco.CancelMeeting(m, reason, now)
	})
}

// MoveMeeting moves a meeting to start at start (alesco.RescheduleMeeting's
// rules), checked and written in one transaction.
func (a *App) MoveMeeting(ctx context.Context, id string, start time.Time) (alesco.Meeting, error) {
	return a.changeMeeting(ctx, "meeting.move", id, func(m alesco.Meeting, now time.Time) (alesco.MeetingChange, error) {
		return alesco.RescheduleMeeting(m, start, now)
	})
}

// changeMeeting finds a meeting, derives its change with fn (which applies
// the domain's rule), stores it, queues what the change tells chat
// (alesco.Committee.MeetingChangeEffects) and returns the meeting as it
// now is, all in one transaction: minutes recorded meanwhile cannot slip
// between the check and the write.
func (a *App) changeMeeting(ctx context.Context, action, id string, fn func(alesco.Meeting, time.Time) (alesco.MeetingChange, error)) (alesco.Meeting, error) {
	seed, d, err := a.parseMeetingID(id)
	if err != nil {
		return alesco.Meeting{}, err
	}
	var before alesco.Meeting
	return a.saveChangeThen(ctx, seed.ID, action, func(s schedule, now time.Time) (alesco.MeetingChange, error) {
		m, err := s.find(id, d)
		if err != nil {
			return alesco.MeetingChange{}, err
		}
		before = m
		return fn(m, now)
	}, func(tx alesco.Tx, c *alesco.Committee, after alesco.Meeting) error {
		return enqueue(tx, c.MeetingChangeEffects(before, after, tx.Now(), a.meetingPage(c.ID, after.ID), notice.Texts{}))
	})
}

// AddMeeting adds an extra meeting to a committee at start (duration 0
// means the series' length; an empty place, the series' place that day).
func (a *App) AddMeeting(ctx context.Context, committeeID string, start time.Time, d time.Duration, title string, where alesco.Place) (alesco.Meeting, error) {
	return a.saveChange(ctx, committeeID, "meeting.add", func(s schedule, now time.Time) (alesco.MeetingChange, error) {
		return s.c.AddMeeting(start, d, strings.TrimSpace(title), where, now, s.changes)
	})
}

// saveChange authorizes the caller to change a committee's meetings,
// derives a meeting change from its schedule with derive (which applies
// the domain's rule), stores it and returns the meeting as it now is, in
// one transaction.
func (a *App) saveChange(ctx context.Context, committeeID, action string, derive func(schedule, time.Time) (alesco.MeetingChange, error)) (alesco.Meeting, error) {
	return a.saveChangeThen(ctx, committeeID, action, derive, nil)
}

// saveChangeThen is saveChange, then calls then (when set) with the
// committee and the meeting as it now is, in the same transaction: what
// the change tells the world is queued with it.
func (a *App) saveChangeThen(ctx context.Context, committeeID, action string, derive func(schedule, time.Time) (alesco.MeetingChange, error),
	then func(alesco.Tx, *alesco.Committee, alesco.Meeting) error) (alesco.Meeting, error) {
	if _, err := actor(ctx); err != nil {
		return alesco.Meeting{}, err
	}
	var out alesco.Meeting
	err := a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		c, err := a.committee(tx, committeeID)
		if err != nil {
			return alesco.Change{}, err
		}
		if _, err := authorize(ctx, alesco.ActChangeMeetings, c); err != nil {
			return alesco.Change{}, err
		}
		s, err := loadSchedule(tx, c)
		if err != nil {
			return alesco.Change{}, err
		}
		ch, err := derive(s, tx.Now())
		if err != nil {
			return alesco.Change{}, err
		}
		if ch, err = tx.SaveMeetingChange(ch); err != nil {
			return alesco.Change{}, err
		}
		if out, err = a.meetingAfter(tx, c, ch); err != nil {
			return alesco.Change{}, err
		}
		if then != nil {
			if err := then(tx, c, out); err != nil {
				return alesco.Change{}, err
			}
		}
		return meetingChange(action, ch), nil
	})
	return out, err
}

// meetingAfter reads a changed meeting back in the transaction that changed it.
func (a *App) meetingAfter(tx alesco.ReadTx, c *alesco.Committee, ch alesco.MeetingChange) (alesco.Meeting, error) {
	s, err := loadSchedule(tx, c)
	if err != nil {
		return alesco.Meeting{}, err
	}
	return s.find(ch.MeetingID, alesco.DateIn(ch.OriginalStart, c.Location))
}

// meetingChange is the audit record of a stored meeting change.
func meetingChange(action string, ch alesco.MeetingChange) alesco.Change {
	return alesco.Change{Action: action, Subject: "meeting/" + ch.MeetingID, Detail: map[string]any{
		"start": ch.Start.UTC().Format(time.RFC3339), "reason": ch.Reason, "title": ch.Title, "cancelled": ch.Cancelled, "sequence": ch.Sequence}}
}
