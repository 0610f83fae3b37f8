package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/calendar"
)

// CalendarType is the media type of the feeds.
const CalendarType = "text/calendar; charset=utf-8"

// feedState is what a committee's feeds depend on besides the data: the
// next meeting (only it carries an agenda summary, which keeps feeds cheap
// to build), when the feed last changed, and the event texts as last
// published.
type feedState struct {
	lastModified time.Time
	next         alesco.Meeting // zero ID when there is none
	now          time.Time
	texts        map[string]alesco.EventText
}

// stateIn works the feed state out from one snapshot.
func stateIn(tx alesco.ReadTx, s schedule, now time.Time) (feedState, error) {
	at, err := tx.LastWrite()
	if err != nil {
		return feedState{}, err
	}
	st := feedState{lastModified: at, now: now}
	if st.texts, err = tx.EventTexts(s.c.ID); err != nil {
		return feedState{}, err
	}
	for _, m := range s.between(now.Add(-62*24*time.Hour), now.Add(120*24*time.Hour)) {
		if m.Status == alesco.MeetingCancelled {
			continue
		}
		if m.End.After(now) {
			if st.next.ID == "" {
				st.next = m
			}
			if !m.Start.After(now) && m.Start.After(st.lastModified) {
				// A meeting's start changes its text (agenda on record).
				st.lastModified = m.Start
			}
		} else if m.End.After(st.lastModified) {
			// The previous meeting's end is when the next one became next.
			st.lastModified = m.End
		}
	}
	if st.next.ID == "" {
		if next, err := s.next(now); err == nil {
			st.next = next
		} else if alesco.ErrorCode(err) != alesco.ENOTFOUND {
			return feedState{}, err
		}
	}
	for _, sr := range s.c.Series {
		if e := sr.First.Midnight(time.UTC); e.After(st.lastModified) && e.Before(now) {
			st.lastModified = e
		}
	}
	return st, nil
}

// until is how long a feed built in this state stays right (unless the
// data changes): until the next meeting starts (its event then shows the
// agenda on record, if any) and then until it ends (another is next).
func (st feedState) until() time.Time {
	if st.now.Before(st.next.Start) {
		return st.next.Start
	}
	return st.next.End
}

// Feed returns a committee's iCalendar feed: recurring (one VEVENT per
// series with EXDATEs and overrides) or, with expand, one VEVENT per
// meeting from the first one until a year after the next. It is read from
// one snapshot and holds until the data changes or the next meeting ends.
func (a *App) Feed(ctx context.Context, committeeID string, expand bool) (Document, error) {
	return a.FeedWith(ctx, committeeID, FeedOptions{Expand: expand})
}

// FeedOptions are the variants of a feed a subscriber may ask for.
type FeedOptions struct {
	// Expand lists one plain event per meeting (no RRULE).
	Expand bool
	// Alarm, when set, reminds that long before every event
	// (calendar.ParseAlarm reads it).
	Alarm time.Duration
}

// ParseAlarm reads a feed's ?alarm= value (calendar.ParseAlarm): a bad
// one is EINVALID, saying what to write.
func ParseAlarm(s string) (time.Duration, error) {
	d, err := calendar.ParseAlarm(s)
	if err != nil {
		return 0, alesco.Errorf(alesco.EINVALID, "%s", strings.TrimPrefix(err.Error(), "calendar: "))
	}
	return d, nil
}

// FeedWith is Feed with the subscriber's options.
func (a *App) FeedWith(ctx context.Context, committeeID string, o FeedOptions) (Document, error) {
	now := a.now()
	var body []byte
	var st feedState
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, err := a.committeeSchedule(tx, committeeID)
		if err != nil {
			return err
		}
		if st, err = stateIn(tx, s, now); err != nil {
			return err
		}
		body, err = a.buildFeed(tx, s, o, st)
		return err
	})
	if err != nil {
		return Document{}, err
	}
	return Document{Body: body, LastModified: st.lastModified, ContentType: CalendarType, Until: st.until()}, nil
}

// MeetingCalendar returns one meeting as an iCalendar file, for "add to my
// calendar"; a cancelled meeting is kept, as CANCELLED.
func (a *App) MeetingCalendar(ctx context.Context, committeeID, meetingID string) (Document, error) {
	return a.MeetingCalendarWith(ctx, committeeID, meetingID, 0)
}

// MeetingCalendarWith is MeetingCalendar with an alarm that long before
// the meeting (none when 0).
func (a *App) MeetingCalendarWith(ctx context.Context, committeeID, meetingID string, alarm time.Duration) (Document, error) {
	now := a.now()
	var body []byte
	var st feedState
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, m, err := a.meeting(tx, meetingID)
		if err != nil {
			return err
		}
		if s.c.ID != committeeID {
			return alesco.Errorf(alesco.ENOTFOUND, "meeting %s belongs to %s: see %s", meetingID, s.c.ID, a.URL("/calendar/"+s.c.ID+"/"+meetingID+".ics"))
		}
		if st, err = stateIn(tx, s, now); err != nil {
			return err
		}
		e, err := a.event(tx, s.c, m, st)
		if err != nil {
			return err
		}
		f := a.feedBase(s.c)
		f.Name = m.Title
		f.URL = a.URL("/calendar/" + s.c.ID + "/" + meetingID + ".ics")
		f.Expand, f.KeepCancelled, f.Events, f.Alarm = true, true, []calendar.Event{e}, alarm
		body, err = calendar.Build(f)
		return err
	})
	if err != nil {
		return Document{}, err
	}
	return Document{Body: body, LastModified: st.lastModified, ContentType: CalendarType, Until: st.until()}, nil
}

// event renders m for a feed: its text, whether that text is its own (a
// recurring feed then needs a RECURRENCE-ID override for it), and its
// revision (revise).
func (a *App) event(tx alesco.ReadTx, c *alesco.Committee, m alesco.Meeting, st feedState) (calendar.Event, error) {
	e, err := a.eventText(tx, c, m, st)
	e.Sequence, e.Updated = revise(e, st)
	return e, err
}

// eventText renders m's text for a feed.
func (a *App) eventText(tx alesco.ReadTx, c *alesco.Committee, m alesco.Meeting, st feedState) (calendar.Event, error) {
	l := a.Links(m)
	e := calendar.Event{Meeting: m, URL: l.Page}
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	var lines []string
	switch {
	case m.Status == alesco.MeetingCancelled:
		lines = append(lines, "Cancelled: "+m.CancelReason)
	case m.Status == alesco.MeetingHeld:
		lines = append(lines, "Minutes: "+l.Minutes)
		e.Own = true
	case m.ID == st.next.ID:
		ag, onRecord, err := agendaIn(tx, c, m)
		if err != nil {
			return e, err
		}
		if st.now.Before(m.Start) || onRecord {
			if sum := strings.TrimSpace(ag.Summary()); sum != "" {
				lines = append(lines, sum, "")
				e.Own = true
			}
		}
		lines = append(lines, "Agenda: "+l.Agenda)
	case m.End.After(st.now):
		lines = append(lines, "Agenda: "+l.Agenda)
	}
	if m.Status == alesco.MeetingMoved {
		lines = append(lines, "Moved from "+m.OriginalStart.In(loc).Format("Mon 2 Jan 2006 15:04 MST")+".")
	}
	if m.AllDay {
		lines = append(lines, "The time of this meeting is not on record (it was added from its minutes).")
	}
	if m.JoinURL != "" && m.Status != alesco.MeetingCancelled {
		lines = append(lines, "Join: "+m.JoinURL)
	}
	if m.EventURL != "" {
		lines = append(lines, "Event page: "+m.EventURL)
	}
	lines = append(lines, "Meeting page: "+l.Page)
	e.Description = strings.Join(lines, "\n")
	return e, nil
}

// revise is how often, and when last, event e changed: the changes of its
// meeting (cancel, move: Meeting.Sequence) plus the changes of its text as
// published (EventText). A text that differs from the one published
// changed since (by the clock: a meeting started or ended; the next write
// or the background loop publishes it): it counts one more already, dated
// by the feed state, so the SEQUENCE a client sees never waits for it.
func revise(e calendar.Event, st feedState) (int, time.Time) {
	seq, at := e.Meeting.Sequence, e.Meeting.Updated
	t, ok := st.texts[e.ID]
	switch {
	case !ok:
	case t.Hash == calendar.Fingerprint(e):
		seq += t.Sequence
		if t.Sequence > 0 {
			at = maxTime(at, t.Updated)
		}
	default:
		seq += t.Sequence + 1
		at = maxTime(at, maxTime(t.Updated, st.lastModified))
	}
	return seq, at
}

func (a *App) feedBase(c *alesco.Committee) calendar.Feed {
	return calendar.Feed{
		Name:        c.ShortName + " meetings",
		Description: "Meetings of the " + c.Name + ".",
		URL:         a.URL("/calendar/" + c.ID + ".ics"),
		Host:        a.Host(),
		CommitteeID: c.ID,
		Series:      c.Series,
		SeriesURL:   a.URL("/" + c.ID + "/meetings"),
		SeriesDescription: func(sr alesco.Series) string {
			every := "Every week"
			if sr.IntervalWeeks > 1 {
				every = fmt.Sprintf("Every %d weeks", sr.IntervalWeeks)
			}
			first := sr.First.At(sr.Hour, sr.Minute, sr.Location)
			return fmt.Sprintf("%s on %s at %s (%s).\nAgendas and minutes: %s",
				every, first.Weekday(), first.Format("15:04"), sr.TimeZone, a.URL("/"+c.ID+"/meetings"))
		},
	}
}

// buildFeed renders a committee's feed from one snapshot. A series'
// master event changes with every meeting of the series, shown in the
// feed or left to its RRULE: its SEQUENCE is the sum of theirs.
func (a *App) buildFeed(tx alesco.ReadTx, s schedule, o FeedOptions, st feedState) ([]byte, error) {
	c := s.c
	f := a.feedBase(c)
	expand := o.Expand
	f.Expand, f.Alarm = expand, o.Alarm
	from, to := feedWindow(s, expand, st)
	f.SeriesRevision = map[string]calendar.Revision{}
	for _, m := range s.between(from, to) {
		e, err := a.event(tx, c, m, st)
		if err != nil {
			return nil, err
		}
		if m.SeriesID != "" {
			r := f.SeriesRevision[m.SeriesID]
			r.Sequence += e.Sequence
			r.Updated = maxTime(r.Updated, e.Updated)
			f.SeriesRevision[m.SeriesID] = r
		}
		if !expand && m.SeriesID != "" && m.Status == alesco.MeetingScheduled && m.ID != st.next.ID && !e.Own {
			continue // the RRULE has it
		}
		f.Events = append(f.Events, e)
	}
	return calendar.Build(f)
}

// feedWindow is the span of meetings a feed lists: from the first one
// until the next one (a year after it, expanded).
func feedWindow(s schedule, expand bool, st feedState) (from, to time.Time) {
	for _, sr := range s.c.Series {
		if t := sr.First.Midnight(sr.Location); from.IsZero() || t.Before(from) {
			from = t
		}
		if !sr.Last.IsZero() {
			to = maxTime(to, sr.Last.AddDays(1).Midnight(sr.Location))
		}
	}
	for _, ch := range s.changes {
		from, to = minTime(from, ch.OriginalStart), maxTime(to, ch.Start.Add(time.Minute))
		from = minTime(from, ch.Start)
	}
	if st.next.ID != "" {
		to = maxTime(to, st.next.End)
		if expand {
			// Calendars look about a year ahead; the window moves with the
			// next meeting, so unchanged data keeps its bytes until then.
			to = maxTime(to, st.next.Start.AddDate(1, 0, 0))
		}
	}
	if from.IsZero() {
		from = to
	}
	return from, to
}

// publishTexts records the text of every event of a committee's expanded
// feed as it stands in tx: a text never published gets its row, a text
// that changed a sequence step higher (EventText). at dates the changes.
// It returns the meetings whose text changed and how many rows it wrote.
//
// The clock publishes with step 1: the feed has served that text with the
// published sequence + 1 already (revise). A write publishes with step 2:
// before it, the feed may have served a text the clock changed, with the
// published sequence + 1, and the text after the write must count higher
// still (a skipped number is harmless; a repeated one keeps clients on a
// stale text).
func (a *App) publishTexts(tx alesco.Tx, c *alesco.Committee, step int, at func(feedState) time.Time) ([]string, int, error) {
	s, err := loadSchedule(tx, c)
	if err != nil {
		return nil, 0, err
	}
	st, err := stateIn(tx, s, tx.Now())
	if err != nil {
		return nil, 0, err
	}
	from, to := feedWindow(s, true, st)
	var save []alesco.EventText
	var changed []string
	for _, m := range s.between(from, to) {
		e, err := a.eventText(tx, c, m, st)
		if err != nil {
			return nil, 0, err
		}
		h := calendar.Fingerprint(e)
		switch t, ok := st.texts[m.ID]; {
		case !ok:
			save = append(save, alesco.EventText{MeetingID: m.ID, CommitteeID: c.ID, Hash: h, Updated: at(st)})
		case t.Hash != h:
			save = append(save, alesco.EventText{MeetingID: m.ID, CommitteeID: c.ID, Hash: h, Sequence: t.Sequence + step, Updated: at(st)})
			changed = append(changed, m.ID)
		}
	}
	return changed, len(save), tx.SaveEventTexts(save)
}

// publishOnWrite publishes the event texts of every committee in the
// transaction of any write (the store runs it: sqlite.DB.OnWrite), so a
// text a write changes gets its higher sequence in the same commit.
func (a *App) publishOnWrite(ctx context.Context, tx alesco.Tx) error {
	for _, c := range a.Committees().List() {
		if _, _, err := a.publishTexts(tx, c, 2, func(feedState) time.Time { return tx.Now() }); err != nil {
			a.log.ErrorContext(ctx, "calendar event texts not published", "committee", c.ID, "err", err)
			return err
		}
	}
	return nil
}

// PublishEventTexts publishes the event texts the clock changed (a meeting
// started or ended, so another is next) since the last write; the
// background loop calls it. Nothing changed writes nothing.
func (a *App) PublishEventTexts(ctx context.Context) error {
	ctx = alesco.NewContext(ctx, alesco.Principal{Name: "alesco (calendar)"})
	err := a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		all, rows := []string{}, 0
		for _, c := range a.Committees().List() {
			changed, n, err := a.publishTexts(tx, c, 1, func(st feedState) time.Time { return st.lastModified })
			if err != nil {
				return alesco.Change{}, err
			}
			all, rows = append(all, changed...), rows+n
		}
		if rows == 0 {
			return alesco.Change{}, alesco.ErrUnchanged
		}
		return alesco.Change{Action: "calendar.publish", Subject: "calendar", Detail: map[string]any{"changed": all, "rows": rows}}, nil
	})
	if err == alesco.ErrUnchanged {
		return nil
	}
	return err
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
