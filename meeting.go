package alesco

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Series is a recurring meeting: every IntervalWeeks weeks on First's
// weekday at Hour:Minute local time, from First until Last (inclusive; zero
// means open-ended). Local wall-clock time is kept across DST changes.
type Series struct {
	ID            string
	Title         string
	First         Date
	Hour, Minute  int
	TimeZone      string
	Location      *time.Location
	Duration      time.Duration
	IntervalWeeks int
	Last          Date
	Place         // where its meetings take place
}

// Place is where a meeting takes place: what people read (configuration
// "location", iCalendar LOCATION) and the link to join it (configuration
// "url", iCalendar CONFERENCE of RFC 7986).
type Place struct {
	Venue   string
	JoinURL string
}

// Clean checks a place by the text rules: the venue is one line, the link
// an http(s) URL.
func (p Place) Clean() (Place, error) {
	var err error
	if p.Venue, err = CleanText("location", LineText, p.Venue); err != nil {
		return p, err
	}
	if p.JoinURL = strings.TrimSpace(p.JoinURL); p.JoinURL != "" {
		if p.JoinURL, err = CleanURL("url", p.JoinURL); err != nil {
			return p, err
		}
	}
	return p, nil
}

// MeetingStatus is where a meeting stands.
type MeetingStatus int

// Meeting statuses.
const (
	MeetingScheduled MeetingStatus = iota + 1
	MeetingCancelled
	MeetingMoved
	MeetingHeld
)

func (s MeetingStatus) String() string {
	switch s {
	case MeetingScheduled:
		return "scheduled"
	case MeetingCancelled:
		return "cancelled"
	case MeetingMoved:
		return "moved"
	case MeetingHeld:
		return "held"
	}
	return "unknown"
}

// Label is how a page shows the meeting's status.
func (s MeetingStatus) Label() string { return meetingStatusLabels[s] }

var meetingStatusLabels = map[MeetingStatus]string{
	MeetingScheduled: "Scheduled", MeetingCancelled: "Cancelled", MeetingMoved: "Moved", MeetingHeld: "Held",
}

// Meeting is one materialised meeting of a committee.
type Meeting struct {
	ID            string // {committee}-{YYYY-MM-DD}[-N] by original local date
	CommitteeID   string
	SeriesID      string // empty for an added meeting
	Title         string
	Start, End    time.Time
	OriginalStart time.Time
	TimeZone      string
	Location      *time.Location
	Status        MeetingStatus
	CancelReason  string
	Sequence      int       // rises with every change (iCalendar SEQUENCE)
	Updated       time.Time // last change to the meeting; zero if never changed
	// Recorded: the meeting has minutes (a draft or final). It is HELD
	// once it has also started.
	Recorded bool
	// AllDay: the meeting's time is not on record (it was added from
	// imported minutes); Start and End span its local day.
	AllDay bool
	Place
	// EventURL is the page of the meeting's event on the events site, when
	// one matches (SiteEvents.For); "" otherwise.
	EventURL string
}

// LocalDate is the meeting's date in its own time zone.
func (m Meeting) LocalDate() Date { return DateIn(m.Start, m.loc()) }

// MeetingLinks are a meeting's public URLs: its agenda and minutes as
// Markdown, its committee's feed, its own calendar file and its page.
type MeetingLinks struct {
	Agenda, Minutes, Feed, ICS, Page string
}

// MeetingChangeKind says what a stored change does to a meeting.
type MeetingChangeKind string

// Kinds of meeting change.
const (
	ChangeCancel MeetingChangeKind = "cancel"
	ChangeMove   MeetingChangeKind = "move"
	ChangeAdd    MeetingChangeKind = "add"
)

// MeetingChange is a stored change on top of the configured series: the
// latest state of one meeting that differs from its series.
type MeetingChange struct {
	MeetingID     string
	CommitteeID   string
	Kind          MeetingChangeKind
	OriginalStart time.Time // the series occurrence (or, for an add, the start)
	Start, End    time.Time // current start/end for move and add
	Title         string
	Reason        string
	Cancelled     bool // a moved or added meeting may later be cancelled too
	Sequence      int
	Updated       time.Time
	// AllDay: an added meeting whose time is not on record (added from
	// imported minutes): it spans its local day.
	AllDay bool
	// Place of an added meeting (a series' meetings take the series').
	Place
}

// MeetingID returns the stable id of a committee's meeting on a local date;
// n > 1 numbers a second (third...) meeting on the same day.
func MeetingID(committeeID string, d Date, n int) string {
	if n > 1 {
		return fmt.Sprintf("%s-%s-%d", committeeID, d, n)
	}
	return committeeID + "-" + d.String()
}

// Occurrences returns the series' meeting starts in [from, to).
func (s Series) Occurrences(from, to time.Time) []time.Time {
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	if s.IntervalWeeks <= 0 {
		return nil
	}
	step := 7 * s.IntervalWeeks
	// Jump close to from instead of walking from First.
	k := 0
	if gap := s.First.DaysUntil(DateIn(from, loc)); gap > step {
		k = gap/step - 1
	}
	var out []time.Time
	for ; ; k++ {
		d := s.First.AddDays(k * step)
		if !s.Last.IsZero() && d.After(s.Last) {
			break
		}
		t := d.At(s.Hour, s.Minute, loc)
		if !t.Before(to) {
			break
		}
		if !t.Before(from) {
			out = append(out, t)
		}
	}
	return out
}

// Schedule materialises the meetings of c starting in [from, to) as they
// stand at now: series occurrences, with stored changes applied, meetings
// with minutes (recorded) marked, and HELD when they have also started.
func (c *Committee) Schedule(from, to time.Time, changes []MeetingChange, recorded map[string]bool, now time.Time) []Meeting {
	byID := make(map[string]MeetingChange, len(changes))
	for _, ch := range changes {
		byID[ch.MeetingID] = ch
	}
	var out []Meeting
	seen := map[string]bool{}
	emit := func(m Meeting) {
		if ch, ok := byID[m.ID]; ok {
			m.Sequence, m.Updated = ch.Sequence, ch.Updated
			if ch.Title != "" {
				m.Title = ch.Title
			}
			if ch.Kind == ChangeMove || ch.Kind == ChangeAdd {
				m.Start, m.End = ch.Start, ch.End
				if ch.Kind == ChangeMove {
					m.Status = MeetingMoved
				}
			}
			if ch.Kind == ChangeAdd {
				m.Place = ch.Place
			}
			if ch.AllDay {
				day := DateIn(ch.Start, m.loc())
				m.AllDay, m.Start, m.End = true, day.Midnight(m.loc()), day.AddDays(1).Midnight(m.loc())
				m.OriginalStart = m.Start
			}
			if ch.Cancelled || ch.Kind == ChangeCancel {
				m.Status = MeetingCancelled
				m.CancelReason = ch.Reason
			}
		}
		m.Recorded = recorded[m.ID]
		if m.heldAt(now) {
			m.Status = MeetingHeld
		}
		seen[m.ID] = true
		if !m.Start.Before(from) && m.Start.Before(to) {
			out = append(out, m)
		}
	}
	for _, s := range c.Series {
		for _, t := range s.Occurrences(from, to) {
			emit(c.seriesMeeting(s, t))
		}
	}
	// Moved meetings whose original slot is outside the window, and added ones.
	for _, ch := range changes {
		if seen[ch.MeetingID] || ch.CommitteeID != c.ID {
			continue
		}
		var m Meeting
		if ch.Kind == ChangeAdd {
			m = Meeting{ID: ch.MeetingID, CommitteeID: c.ID, Title: ch.Title, Start: ch.Start, End: ch.End,
				OriginalStart: ch.Start, TimeZone: c.TimeZone, Location: c.loc(), Status: MeetingScheduled}
		} else if s, ok := c.seriesOf(ch.OriginalStart); ok {
			m = c.seriesMeeting(s, ch.OriginalStart)
		} else {
			continue
		}
		emit(m)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (c *Committee) seriesMeeting(s Series, t time.Time) Meeting {
	title := s.Title
	if title == "" {
		title = c.ShortName + " meeting"
	}
	return Meeting{
		ID: MeetingID(c.ID, DateIn(t, s.Location), 1), CommitteeID: c.ID, SeriesID: s.ID, Title: title,
		Start: t, End: t.Add(s.Duration), OriginalStart: t, TimeZone: s.TimeZone, Location: s.Location,
		Status: MeetingScheduled, Place: s.Place,
	}
}

// seriesOf returns the series that has an occurrence exactly at t.
func (c *Committee) seriesOf(t time.Time) (Series, bool) {
	for _, s := range c.Series {
		for _, o := range s.Occurrences(t, t.Add(time.Minute)) {
			if o.Equal(t) {
				return s, true
			}
		}
	}
	return Series{}, false
}

// DefaultDuration is the duration of the committee's first series, or an hour.
func (c *Committee) DefaultDuration() time.Duration {
	if len(c.Series) > 0 {
		return c.Series[0].Duration
	}
	return time.Hour
}

// FindMeeting returns the meeting with the given id, whose original local
// date is d, from the series and stored changes; false when c has no such
// meeting. A moved meeting is found wherever it went.
func (c *Committee) FindMeeting(id string, d Date, changes []MeetingChange, recorded map[string]bool, now time.Time) (Meeting, bool) {
	loc := c.loc()
	from, to := d.AddDays(-1).Midnight(loc), d.AddDays(2).Midnight(loc)
	for _, ch := range changes {
		if ch.MeetingID == id {
			if t := ch.Start.Add(-time.Hour); t.Before(from) {
				from = t
			}
			if t := ch.Start.Add(time.Hour); t.After(to) {
				to = t
			}
		}
	}
	for _, m := range c.Schedule(from, to, changes, recorded, now) {
		if m.ID == id {
			return m, true
		}
	}
	return Meeting{}, false
}

// MaxScheduleAhead is how far ahead a chair may add or move a meeting:
// calendars look a year or two ahead, and it keeps feeds bounded.
const MaxScheduleAhead = 2 * 366 * 24 * time.Hour

// HorizonDay is the last day on c's calendar at now, MaxScheduleAhead from
// now: meetings of later days are not on it yet (no page, agenda, calendar
// file or minutes), so what anyone can ask for stays bounded while series
// run on for ever.
func (c *Committee) HorizonDay(now time.Time) Date { return c.Today(now.Add(MaxScheduleAhead)) }

// CancelMeeting returns the change that cancels m at now. A meeting that
// has minutes (even a draft begun before it started) or is already
// cancelled cannot be cancelled.
func CancelMeeting(m Meeting, reason string, now time.Time) (MeetingChange, error) {
	switch {
	case m.Recorded:
		return MeetingChange{}, Errorf(EPRECONDITION, "meeting %s has minutes; it cannot be cancelled", m.ID)
	case m.Status == MeetingCancelled:
		return MeetingChange{}, Errorf(EPRECONDITION, "meeting %s is already cancelled", m.ID)
	case !m.End.After(now):
		return MeetingChange{}, Errorf(EPRECONDITION, "meeting %s is over (it ended %s); past meetings cannot be cancelled",
			m.ID, m.clock(m.End))
	}
	reason, err := CleanText("reason", LineText, reason)
	if err != nil {
		return MeetingChange{}, err
	}
	ch := m.change()
	ch.Cancelled, ch.Reason = true, reason
	return ch, nil
}

// RescheduleMeeting returns the change that moves m to start at start,
// keeping its length. Held and past meetings stay where they were; a
// cancelled meeting that is moved takes place again at its new time.
func RescheduleMeeting(m Meeting, start, now time.Time) (MeetingChange, error) {
	switch {
	case start.IsZero():
		return MeetingChange{}, Errorf(EINVALID, "start_time is required: when should meeting %s take place?", m.ID)
	case m.Recorded:
		return MeetingChange{}, Errorf(EPRECONDITION, "meeting %s has minutes; it cannot be moved", m.ID)
	case !m.End.After(now):
		return MeetingChange{}, Errorf(EPRECONDITION, "meeting %s is over; past meetings cannot be moved", m.ID)
	case start.Before(now):
		return MeetingChange{}, Errorf(EINVALID, "cannot move meeting %s into the past (%s); pick a time after %s",
			m.ID, m.clock(start), m.clock(now))
	case start.After(now.Add(MaxScheduleAhead)):
		return MeetingChange{}, Errorf(EINVALID, "cannot move meeting %s more than two years ahead (to %s)", m.ID, start.In(m.loc()).Format("2006-01-02"))
	}
	ch := m.change()
	if ch.Kind != ChangeAdd {
		ch.Kind = ChangeMove
	}
	ch.Cancelled, ch.Reason = false, ""
	length := m.End.Sub(m.Start)
	if m.AllDay {
		// A meeting given a time is no longer all day; it takes the
		// committee's usual length.
		length, ch.AllDay = time.Hour, false
	}
	ch.Start, ch.End = start.UTC(), start.Add(length).UTC()
	return ch, nil
}

// AddMeeting returns the change that adds an extra meeting to c at start.
// Its id is the local date, numbered "-2", "-3"... when the day already has
// a meeting (existing lists the committee's meetings on and around that day).
// Without a place of its own it takes the place of the series in force that
// day.
func (c *Committee) AddMeeting(start time.Time, d time.Duration, title string, where Place, now time.Time, changes []MeetingChange) (MeetingChange, error) {
	switch {
	case start.IsZero():
		return MeetingChange{}, Errorf(EINVALID, "start_time is required: when should the meeting take place?")
	case start.Before(now):
		return MeetingChange{}, Errorf(EINVALID, "cannot add a meeting in the past (%s); pick a time after %s",
			Clock(start, c.loc()), Clock(now, c.loc()))
	case start.After(now.Add(MaxScheduleAhead)):
		return MeetingChange{}, Errorf(EINVALID, "cannot add a meeting more than two years ahead (%s)", start.In(c.loc()).Format("2006-01-02"))
	case d < 0:
		return MeetingChange{}, Errorf(EINVALID, "duration must be positive, got %s", d)
	case d > 24*time.Hour:
		return MeetingChange{}, Errorf(EINVALID, "duration %s is longer than a day; add one meeting per day", d)
	}
	if d == 0 {
		d = c.DefaultDuration()
	}
	// A meeting's title follows the notes' rules: the agenda, the calendar
	// and chat show it, so it may hold no HTML and no link but to the web.
	title, err := CleanMarkdown("title", LineText, title)
	if err != nil {
		return MeetingChange{}, err
	}
	if title == "" {
		title = c.ShortName + " meeting"
	}
	day := DateIn(start, c.loc())
	if where, err = where.Clean(); err != nil {
		return MeetingChange{}, err
	}
	if where == (Place{}) {
		if s, ok := c.SeriesOn(day); ok {
			where = s.Place
		}
	}
	taken := map[string]bool{}
	for _, s := range c.Series {
		for _, t := range s.Occurrences(day.AddDays(-1).Midnight(c.loc()), day.AddDays(2).Midnight(c.loc())) {
			taken[MeetingID(c.ID, DateIn(t, s.Location), 1)] = true
		}
	}
	for _, ch := range changes {
		taken[ch.MeetingID] = true
	}
	n := 1
	for taken[MeetingID(c.ID, day, n)] {
		n++
	}
	return MeetingChange{
		MeetingID: MeetingID(c.ID, day, n), CommitteeID: c.ID, Kind: ChangeAdd,
		OriginalStart: start.UTC(), Start: start.UTC(), End: start.Add(d).UTC(), Title: title, Place: where,
	}, nil
}

// SeriesOn returns the series in force on date d: the latest to have
// started by then and not ended before it.
func (c *Committee) SeriesOn(d Date) (Series, bool) {
	var out Series
	found := false
	for _, s := range c.Series {
		if !s.First.After(d) && (s.Last.IsZero() || !s.Last.Before(d)) && (!found || s.First.After(out.First)) {
			out, found = s, true
		}
	}
	return out, found
}

// change is the stored form of m's current state, to be modified.
func (m Meeting) change() MeetingChange {
	kind := ChangeCancel
	switch {
	case m.SeriesID == "":
		kind = ChangeAdd
	case m.Status == MeetingMoved:
		kind = ChangeMove
	}
	ch := MeetingChange{MeetingID: m.ID, CommitteeID: m.CommitteeID, Kind: kind,
		OriginalStart: m.OriginalStart.UTC(), Start: m.Start.UTC(), End: m.End.UTC(),
		Reason: m.CancelReason, Cancelled: m.Status == MeetingCancelled, Sequence: m.Sequence, Updated: m.Updated}
	if kind == ChangeAdd {
		ch.Title, ch.Place, ch.AllDay = m.Title, m.Place, m.AllDay
	}
	return ch
}

func (m Meeting) loc() *time.Location {
	if m.Location == nil {
		return time.UTC
	}
	return m.Location
}
