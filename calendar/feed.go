// Package calendar renders a committee's meetings as iCalendar (RFC 5545)
// feeds with github.com/emersion/go-ical: recurring series with EXDATE and
// RECURRENCE-ID overrides, or one plain event per meeting; VTIMEZONE
// components generated from Go's time-zone database; lines folded at 75
// octets. Output depends only on its input, never on the clock, so
// unchanged data renders to identical bytes.
package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/emersion/go-ical"
)

// ProductID is the feed's PRODID (RFC 5545 §3.7.3).
const ProductID = "-//AlmaLinux//alesco//EN"

// RefreshInterval is how often clients are asked to reload a feed
// (REFRESH-INTERVAL, RFC 7986 §5.7, and X-PUBLISHED-TTL for Outlook).
const RefreshInterval = time.Hour

// utcLayout is an iCalendar UTC DATE-TIME (RFC 5545 §3.3.5, form #2).
const utcLayout = "20060102T150405Z"

// Event is one meeting as a feed shows it.
type Event struct {
	alesco.Meeting
	// Description is the event's text (agenda summary, links, minutes).
	Description string
	// URL is the meeting's web page.
	URL string
	// Own marks a meeting whose text differs from its series': in a
	// recurring feed it gets a RECURRENCE-ID override even when not moved.
	Own bool
}

// Feed is what a calendar shows.
type Feed struct {
	// Name is the calendar's display name (NAME, X-WR-CALNAME).
	Name string
	// Description is the calendar's description.
	Description string
	// URL is where the feed is published.
	URL string
	// Host makes UIDs globally unique: "{meeting or series id}@{Host}".
	Host string
	// CommitteeID prefixes series UIDs ("alesco-thursdays@host").
	CommitteeID string
	// Series are the committee's recurring series (ignored when Expand).
	Series []alesco.Series
	// SeriesDescription is the text of a series' events without their own.
	SeriesDescription func(alesco.Series) string
	// SeriesURL is the URL property of a series' master event.
	SeriesURL string
	// Events: with Expand, every meeting to list; otherwise every meeting
	// that was changed or carries its own text, for the whole history of
	// the series (cancelled ones become EXDATEs).
	Events []Event
	// Expand lists one plain VEVENT per meeting, with no RRULE.
	Expand bool
	// SeriesRevision is the SEQUENCE and last change of each series'
	// master event (by series id), which changes whenever one of its
	// meetings does; without one, the master sums the events given.
	SeriesRevision map[string]Revision
	// KeepCancelled lists cancelled meetings with STATUS:CANCELLED instead
	// of leaving them out (single-meeting files, so a calendar that already
	// has the meeting learns it is off). Only with Expand.
	KeepCancelled bool
	// Alarm, when set, gives every event a display alarm that long before
	// it starts (alarm.go).
	Alarm time.Duration
}

// Revision is how often, and when last, an event changed.
type Revision struct {
	Sequence int
	Updated  time.Time
}

// Fingerprint identifies what an event shows (its time, status, title,
// text, place and links): when it changes, clients must be told, by a
// higher SEQUENCE.
func Fingerprint(e Event) string {
	h := sha256.New()
	for _, s := range []string{e.ID, e.Title, e.Description, e.URL, e.Venue, e.JoinURL, e.Status.String(),
		e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339), strconv.FormatBool(e.AllDay)} {
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s + ","))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Build renders f as a folded iCalendar stream.
func Build(f Feed) ([]byte, error) {
	cal, err := f.Calendar()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(4096)
	fw := NewFoldingWriter(&buf)
	if err := ical.NewEncoder(fw).Encode(cal); err != nil {
		return nil, fmt.Errorf("calendar: encode: %w", err)
	}
	if err := fw.Flush(); err != nil {
		return nil, fmt.Errorf("calendar: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// Calendar builds f's VCALENDAR.
func (f Feed) Calendar() (*ical.Calendar, error) {
	if f.Host == "" {
		return nil, fmt.Errorf("calendar: feed %q has no host for its UIDs", f.Name)
	}
	cal := ical.NewCalendar()
	p := cal.Props
	setText(p, ical.PropProductID, ProductID)
	setText(p, ical.PropVersion, "2.0")
	setText(p, ical.PropCalendarScale, "GREGORIAN")
	setText(p, ical.PropMethod, "PUBLISH")
	if f.Name != "" {
		setText(p, ical.PropName, f.Name)
		setText(p, "X-WR-CALNAME", f.Name)
	}
	if f.Description != "" {
		setText(p, ical.PropDescription, f.Description)
		setText(p, "X-WR-CALDESC", f.Description)
	}
	if f.URL != "" {
		setRaw(p, ical.PropURL, f.URL)
	}
	p.Set(&ical.Prop{Name: ical.PropRefreshInterval, Params: ical.Params{ical.ParamValue: {"DURATION"}}, Value: "PT1H"})
	setRaw(p, "X-PUBLISHED-TTL", "PT1H")

	var events []*ical.Component
	var sp span
	if f.Expand {
		for _, e := range f.Events {
			if e.Status == alesco.MeetingCancelled && !f.KeepCancelled {
				continue
			}
			ev := f.event(e, f.uid(e.ID), false)
			events = append(events, ev)
			if !e.AllDay {
				sp.add(e.Start, e.End, e.loc())
			}
		}
	} else {
		for _, s := range f.Series {
			events = append(events, f.series(s, &sp)...)
		}
		for _, e := range f.Events {
			if e.SeriesID != "" || e.Status == alesco.MeetingCancelled {
				continue
			}
			events = append(events, f.event(e, f.uid(e.ID), false))
			if !e.AllDay {
				sp.add(e.Start, e.End, e.loc())
			}
		}
	}
	if len(events) == 0 {
		// RFC 5545 §3.6 wants at least one component: an empty feed
		// carries a UTC VTIMEZONE so that it still parses.
		cal.Children = append(cal.Children, VTimezone(time.UTC, time.Unix(0, 0), time.Unix(0, 0), false))
	}
	for _, z := range sp.zones() {
		cal.Children = append(cal.Children, VTimezone(z.loc, z.from, z.to, z.open))
	}
	if f.Alarm > 0 {
		for _, ev := range events {
			addAlarm(ev, f.Alarm)
		}
	}
	cal.Children = append(cal.Children, events...)
	return cal, nil
}

func (f Feed) uid(id string) string { return id + "@" + f.Host }

// series renders one series: the master with its RRULE and EXDATEs, then
// one RECURRENCE-ID override per moved meeting or meeting with own text.
func (f Feed) series(s alesco.Series, sp *span) []*ical.Component {
	loc := seriesLoc(s)
	first := s.First.At(s.Hour, s.Minute, loc)
	uid := f.uid(f.CommitteeID + "-" + s.ID)
	m := ical.NewEvent().Component
	setText(m.Props, ical.PropUID, uid)
	setLocal(m.Props, ical.PropDateTimeStart, first, loc)
	setLocal(m.Props, ical.PropDateTimeEnd, first.Add(s.Duration), loc)
	rule := fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d;BYDAY=%s", s.IntervalWeeks, weekdayCode[first.Weekday()])
	last := first
	if !s.Last.IsZero() {
		// RFC 5545 §3.3.10: with a TZID DTSTART, UNTIL is in UTC.
		last = s.Last.At(s.Hour, s.Minute, loc)
		rule += ";UNTIL=" + last.UTC().Format(utcLayout)
	}
	m.Props.Set(&ical.Prop{Name: ical.PropRecurrenceRule, Params: ical.Params{}, Value: rule})
	title := s.Title
	if title == "" {
		title = f.Name
	}
	setText(m.Props, ical.PropSummary, CleanText(title))
	if f.SeriesDescription != nil {
		if d := CleanText(f.SeriesDescription(s)); d != "" {
			setText(m.Props, ical.PropDescription, d)
		}
	}
	if f.SeriesURL != "" {
		setRaw(m.Props, ical.PropURL, f.SeriesURL)
	}
	setPlace(m.Props, s.Place)
	setText(m.Props, ical.PropStatus, "CONFIRMED")
	sp.add(first, last.Add(s.Duration), loc)
	if s.Last.IsZero() {
		sp.open(loc)
	}

	// The master changes whenever one of its meetings does: its SEQUENCE is
	// the sum of theirs (each change raises one by one, so the sum only
	// rises) and its DTSTAMP the latest change.
	seq, stamp := 0, epoch(s)
	var exdates []time.Time
	var overrides []*ical.Component
	for _, e := range f.Events {
		if e.SeriesID != s.ID {
			continue
		}
		seq += e.Sequence
		if e.Updated.After(stamp) {
			stamp = e.Updated
		}
		switch {
		case e.Status == alesco.MeetingCancelled:
			exdates = append(exdates, e.OriginalStart)
		case e.Status == alesco.MeetingMoved || e.Own:
			o := f.event(e, uid, true)
			setLocal(o.Props, ical.PropRecurrenceID, e.OriginalStart, loc)
			overrides = append(overrides, o)
			sp.add(e.Start, e.End, loc)
		}
	}
	if r, ok := f.SeriesRevision[s.ID]; ok {
		seq, stamp = r.Sequence, later(epoch(s), r.Updated)
	}
	sort.Slice(exdates, func(i, j int) bool { return exdates[i].Before(exdates[j]) })
	for _, t := range exdates {
		// One EXDATE per date: every parser reads that form.
		p := localProp(ical.PropExceptionDates, t, loc)
		m.Props.Add(p)
	}
	setRaw(m.Props, ical.PropSequence, strconv.Itoa(seq))
	setUTC(m.Props, ical.PropDateTimeStamp, stamp)
	setUTC(m.Props, ical.PropLastModified, stamp)
	return append([]*ical.Component{m}, overrides...)
}

// event renders one meeting as a plain VEVENT (or an override's body).
func (f Feed) event(e Event, uid string, override bool) *ical.Component {
	loc := e.loc()
	ev := ical.NewEvent().Component
	setText(ev.Props, ical.PropUID, uid)
	if e.AllDay {
		// RFC 5545 §3.6.1: an event on a day, with no time of day, is a
		// DATE DTSTART and the next day as DTEND. It does not block time.
		day := alesco.DateIn(e.Start, loc)
		setDate(ev.Props, ical.PropDateTimeStart, day)
		setDate(ev.Props, ical.PropDateTimeEnd, day.AddDays(1))
		setRaw(ev.Props, ical.PropTransparency, "TRANSPARENT")
		setRaw(ev.Props, "X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE")
	} else {
		setLocal(ev.Props, ical.PropDateTimeStart, e.Start, loc)
		setLocal(ev.Props, ical.PropDateTimeEnd, e.End, loc)
	}
	title := e.Title
	if title == "" {
		title = f.Name
	}
	status := "CONFIRMED"
	if e.Status == alesco.MeetingCancelled {
		status = "CANCELLED"
		title = "Cancelled: " + title
	}
	setText(ev.Props, ical.PropSummary, CleanText(title))
	setText(ev.Props, ical.PropStatus, status)
	if d := CleanText(e.Description); d != "" {
		setText(ev.Props, ical.PropDescription, d)
	}
	if e.URL != "" {
		setRaw(ev.Props, ical.PropURL, e.URL)
	}
	setPlace(ev.Props, e.Place)
	stamp := e.Updated
	if stamp.IsZero() {
		stamp = e.OriginalStart
		for _, s := range f.Series {
			if s.ID == e.SeriesID {
				stamp = epoch(s)
			}
		}
	}
	setRaw(ev.Props, ical.PropSequence, strconv.Itoa(e.Sequence))
	setUTC(ev.Props, ical.PropDateTimeStamp, stamp)
	setUTC(ev.Props, ical.PropLastModified, stamp)
	return ev
}

// setPlace writes where a meeting takes place: LOCATION, and the link to
// join it as a CONFERENCE (RFC 7986 §5.11).
func setPlace(p ical.Props, place alesco.Place) {
	if v := CleanText(place.Venue); v != "" {
		setText(p, ical.PropLocation, strings.ReplaceAll(v, "\n", " "))
	}
	if place.JoinURL != "" {
		p.Set(&ical.Prop{Name: ical.PropConference, Params: ical.Params{ical.ParamValue: {"URI"}}, Value: place.JoinURL})
	}
}

// setDate sets a DATE value (RFC 5545 §3.3.4).
func setDate(p ical.Props, name string, d alesco.Date) {
	p.Set(&ical.Prop{Name: name, Params: ical.Params{ical.ParamValue: {"DATE"}}, Value: fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day)})
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// epoch is the fixed DTSTAMP of a series' events that never changed: the
// series' first day, 00:00 UTC.
func epoch(s alesco.Series) time.Time {
	return time.Date(s.First.Year, s.First.Month, s.First.Day, 0, 0, 0, 0, time.UTC)
}

func seriesLoc(s alesco.Series) *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (e Event) loc() *time.Location {
	if e.Location == nil {
		return time.UTC
	}
	return e.Location
}

// setText sets a TEXT property, escaped (RFC 5545 §3.3.11), without a
// redundant VALUE=TEXT parameter.
func setText(p ical.Props, name, value string) {
	prop := ical.NewProp(name)
	prop.SetText(value)
	prop.Params.Del(ical.ParamValue)
	p.Set(prop)
}

// setRaw sets a property whose value needs no escaping (URIs, numbers).
func setRaw(p ical.Props, name, value string) {
	p.Set(&ical.Prop{Name: name, Params: ical.Params{}, Value: value})
}

func setUTC(p ical.Props, name string, t time.Time) {
	setRaw(p, name, t.UTC().Format(utcLayout))
}

// localProp is a DATE-TIME with TZID (RFC 5545 §3.3.5 form #3), or UTC for
// the UTC zone.
func localProp(name string, t time.Time, loc *time.Location) *ical.Prop {
	if loc == time.UTC || loc.String() == "UTC" {
		return &ical.Prop{Name: name, Params: ical.Params{}, Value: t.UTC().Format(utcLayout)}
	}
	return &ical.Prop{Name: name, Params: ical.Params{ical.PropTimezoneID: {loc.String()}}, Value: t.In(loc).Format(localLayout)}
}

func setLocal(p ical.Props, name string, t time.Time, loc *time.Location) {
	p.Set(localProp(name, t, loc))
}

// CleanText makes text fit an iCalendar TEXT value: line breaks become LF (the
// encoder writes them as \n) and other control characters, which RFC 5545
// §3.3.11 does not allow, are dropped.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// span collects, per time zone, the instants a feed covers.
type span struct {
	byName map[string]*zoneSpan
	order  []string
}

type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
	open     bool
}

func (s *span) add(from, to time.Time, loc *time.Location) {
	if loc == time.UTC || loc.String() == "UTC" {
		return // UTC times carry no TZID and need no VTIMEZONE
	}
	z := s.zone(loc)
	if z.from.IsZero() || from.Before(z.from) {
		z.from = from
	}
	if to.After(z.to) {
		z.to = to
	}
}

func (s *span) open(loc *time.Location) {
	if loc != time.UTC && loc.String() != "UTC" {
		s.zone(loc).open = true
	}
}

func (s *span) zone(loc *time.Location) *zoneSpan {
	if s.byName == nil {
		s.byName = map[string]*zoneSpan{}
	}
	z, ok := s.byName[loc.String()]
	if !ok {
		z = &zoneSpan{loc: loc}
		s.byName[loc.String()] = z
		s.order = append(s.order, loc.String())
	}
	return z
}

func (s *span) zones() []*zoneSpan {
	names := append([]string(nil), s.order...)
	sort.Strings(names)
	out := make([]*zoneSpan, 0, len(names))
	for _, n := range names {
		out = append(out, s.byName[n])
	}
	return out
}
