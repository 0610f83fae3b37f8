package alesco

import (
	"strings"
	"time"
)

// This file holds the rules for the committee's events site (Indico, e.g.
// events.almalinux.org): which of its events is a meeting's, and how the
// two disagree. The events there are made by hand beside alesco's feeds;
// alesco reads the category's iCalendar export (package indico) and says
// where they drifted apart.

// EventSiteSettings say where a committee's events are listed.
type EventSiteSettings struct {
	// ICS is the category's iCalendar export, e.g.
	// https://events.almalinux.org/export/categ/7.ics; "" reads none.
	ICS string
	// Match is the text an event's title holds when it is one of the
	// committee's (case-insensitive); "" is the committee's short name.
	Match string
}

// EventMatch is the text that picks the committee's events out of a
// category that other groups share.
func (c *Committee) EventMatch() string {
	if m := strings.TrimSpace(c.EventSite.Match); m != "" {
		return m
	}
	return c.ShortName
}

// SiteEvent is one event of the events site as its export lists it.
type SiteEvent struct {
	UID, Title, URL string
	Start, End      time.Time
	// Cancelled: the export marks it STATUS:CANCELLED.
	Cancelled bool
}

// EventSite is what alesco keeps of a committee's events site: the last
// good copy of its export, the validators to ask for it again, and how the
// last reading went.
type EventSite struct {
	URL          string // the export read (a new URL starts afresh)
	ETag         string
	LastModified string
	Events       []SiteEvent // the last good copy
	Read         time.Time   // when the last good copy was read; zero if never
	Attempt      time.Time   // the last attempt
	Error        string      // why the last attempt failed; "" when it worked
}

// Readable reports whether the last attempt to read the site worked.
func (s EventSite) Readable() bool { return !s.Read.IsZero() && s.Error == "" }

// SiteEvents are a committee's events of the site, by local day.
type SiteEvents struct {
	byDay map[Date][]SiteEvent
}

// SiteEvents picks the committee's events out of an export: those whose
// title holds the match text, indexed by the day they start in the
// committee's zone. Another group's event on a meeting's day is not one.
func (c *Committee) SiteEvents(all []SiteEvent) SiteEvents {
	match := strings.ToLower(c.EventMatch())
	out := SiteEvents{byDay: map[Date][]SiteEvent{}}
	for _, e := range all {
		if match == "" || !strings.Contains(strings.ToLower(e.Title), match) || e.Start.IsZero() {
			continue
		}
		d := DateIn(e.Start, c.loc())
		out.byDay[d] = append(out.byDay[d], e)
	}
	return out
}

// For is THE rule for which event is a meeting's: one of the committee's
// events starting on the meeting's day in its zone, not cancelled, the one
// starting at the meeting's time if any, else the nearest in time.
func (s SiteEvents) For(m Meeting) (SiteEvent, bool) {
	var best SiteEvent
	found := false
	for _, e := range s.byDay[m.LocalDate()] {
		if e.Cancelled {
			continue
		}
		if !found || absDuration(e.Start.Sub(m.Start)) < absDuration(best.Start.Sub(m.Start)) {
			best, found = e, true
		}
	}
	return best, found
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// DriftKind says how a meeting and its event disagree.
type DriftKind string

// The kinds of drift.
const (
	DriftMissing   DriftKind = "missing"      // no event for a meeting to come
	DriftTime      DriftKind = "time"         // the event starts at another time
	DriftCancelled DriftKind = "still-listed" // the meeting is cancelled, its event is not
)

// Label is the kind in words.
func (k DriftKind) Label() string {
	switch k {
	case DriftMissing:
		return "no event on the events site"
	case DriftTime:
		return "the event is at another time"
	case DriftCancelled:
		return "cancelled, but its event is still listed"
	}
	return string(k)
}

// EventProblem is one meeting whose event drifted.
type EventProblem struct {
	Meeting Meeting
	Kind    DriftKind
	Event   SiteEvent // zero when missing
}

// Describe says what is wrong, with the event's time in the meeting's
// zone: "the event is at another time: Thu 2026-12-10 13:00 EST".
func (p EventProblem) Describe() string {
	switch p.Kind {
	case DriftTime:
		return p.Kind.Label() + ": " + p.Event.Start.In(p.Meeting.loc()).Format("Mon 2006-01-02 15:04 MST")
	case DriftCancelled:
		if p.Event.URL != "" {
			return p.Kind.Label() + ": " + p.Event.URL
		}
	}
	return p.Kind.Label()
}

// EventDrift is THE rule for where the events site disagrees with the
// meetings: a meeting to come without an event, with its event at another
// time, or cancelled while its event is still listed (not cancelled there).
// Meetings whose time is not on record are left out.
func EventDrift(ms []Meeting, site SiteEvents) []EventProblem {
	var out []EventProblem
	for _, m := range ms {
		if m.AllDay || m.Status == MeetingHeld {
			continue
		}
		e, ok := site.For(m)
		switch {
		case m.Status == MeetingCancelled && ok:
			out = append(out, EventProblem{Meeting: m, Kind: DriftCancelled, Event: e})
		case m.Status == MeetingCancelled:
		case !ok:
			out = append(out, EventProblem{Meeting: m, Kind: DriftMissing})
		case !e.Start.Equal(m.Start):
			out = append(out, EventProblem{Meeting: m, Kind: DriftTime, Event: e})
		}
	}
	return out
}

// EventProblemEffects is THE rule for the chat post of the events site's
// drift: with the "events" announcement, one post per meeting and kind of
// problem, whatever the clock or later readings say (its key names both).
func (c *Committee) EventProblemEffects(ps []EventProblem, page func(Meeting) string, say EventNotices) []Effect {
	if !c.Notify.Chats(AnnounceEvents) {
		return nil
	}
	var out []Effect
	for _, p := range ps {
		out = append(out, Effect{Key: "chat:events:" + p.Meeting.ID + ":" + string(p.Kind), Kind: EffectChat, CommitteeID: c.ID,
			Chat: &ChatEffect{Text: say.EventDriftPost(c, p, page(p.Meeting))}})
	}
	return out
}

// EventNotices writes the post of EventProblemEffects (package notice).
type EventNotices interface {
	EventDriftPost(c *Committee, p EventProblem, page string) string
}

// validateEventSite checks where the committee's events are read from.
func (c *Committee) validateEventSite(add func(path, format string, args ...any)) {
	s := c.EventSite
	if s.ICS != "" {
		if _, err := CleanURL("events.ics", s.ICS); err != nil {
			add("EventSite.ICS", "%s (e.g. https://events.almalinux.org/export/categ/7.ics)", err.(*Error).Message)
		}
	}
	if strings.ContainsAny(s.Match, "\r\n") || len(s.Match) > 200 {
		add("EventSite.Match", "match must be one line of at most 200 characters")
	}
	if s.Match != "" && s.ICS == "" {
		add("EventSite.Match", "match needs ics: the events site's export to match in")
	}
	if c.Notify.Chats(AnnounceEvents) && s.ICS == "" {
		add("Notify.Chat", "the events chat post needs events.ics: the events site's export")
	}
}

// EventExport is one reading of the events site's export: the events and
// the validators to ask for it again, or NotModified (the copy kept holds).
type EventExport struct {
	NotModified        bool
	ETag, LastModified string
	Events             []SiteEvent
	// Skipped counts events left out (without a start time, say).
	Skipped int
}
