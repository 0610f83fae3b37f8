package app

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/notice"
)

// EventFetcher reads an events site's iCalendar export (the indico
// package's Fetcher implements it): with the validators of the copy kept,
// conditionally. A failure has a PublicError() string method: what the
// check and the pages may say of it.
type EventFetcher interface {
	Fetch(ctx context.Context, url, etag, lastModified string) (alesco.EventExport, error)
}

// EventAnnounceAhead is how far ahead the chat post of the events site's
// drift looks: the events are cloned by hand, a few weeks ahead at most,
// so a meeting further away is not yet late.
const EventAnnounceAhead = 14 * 24 * time.Hour

// CheckAhead is the default span of CheckEvents' callers: the next three
// months.
func CheckAhead(c *alesco.Committee, now time.Time) (from, to time.Time) {
	return now, c.Today(now).AddMonths(3).AddDays(1).Midnight(c.Location)
}

// siteEventsIn reads the committee's events of the copy kept, if it names
// an events site (the copy of an export it no longer names is ignored).
func siteEventsIn(tx alesco.ReadTx, c *alesco.Committee) (alesco.SiteEvents, error) {
	if c.EventSite.ICS == "" {
		return alesco.SiteEvents{}, nil
	}
	kept, err := tx.EventSite(c.ID)
	if err != nil || kept.URL != c.EventSite.ICS {
		return alesco.SiteEvents{}, err
	}
	return c.SiteEvents(kept.Events), nil
}

// linked is m with the page of its event on the events site, if one
// matches; a cancelled meeting links none.
func (s schedule) linked(m alesco.Meeting) alesco.Meeting {
	if m.Status == alesco.MeetingCancelled {
		return m
	}
	if e, ok := s.site.For(m); ok {
		m.EventURL = e.URL
	}
	return m
}

// RefreshEvents reads the events site of every committee that names one
// (the background loop calls it on the sync interval, like the GitHub
// sync). A committee whose site cannot be read keeps its last good copy;
// the failure is kept for the check and the pages, and returned (the
// first one) for the log.
func (a *App) RefreshEvents(ctx context.Context) error {
	var first error
	for _, c := range a.Committees().List() {
		if c.EventSite.ICS == "" {
			continue
		}
		if err := a.RefreshCommitteeEvents(ctx, c.ID); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// RefreshCommitteeEvents reads one committee's events site and keeps what
// it read, in one transaction with the chat posts of what drifted
// (Committee.EventProblemEffects). It returns the reading's failure, if
// any, after keeping it.
func (a *App) RefreshCommitteeEvents(ctx context.Context, committeeID string) error {
	if a.events == nil {
		return alesco.Errorf(alesco.EPRECONDITION, "reading events sites is not configured here")
	}
	c, err := a.Committees().Get(committeeID)
	if err != nil {
		return err
	}
	if c.EventSite.ICS == "" {
		return noEventSite(c)
	}
	var kept alesco.EventSite
	if err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		kept, err = tx.EventSite(c.ID)
		return err
	}); err != nil {
		return err
	}
	if kept.URL != c.EventSite.ICS {
		kept = alesco.EventSite{URL: c.EventSite.ICS}
	}
	exp, fetchErr := a.events.Fetch(ctx, c.EventSite.ICS, kept.ETag, kept.LastModified)
	if fetchErr != nil && ctx.Err() != nil {
		return fetchErr
	}
	ctx = alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "alesco (events site)"})
	err = a.store.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		return a.keepEvents(tx, c, exp, fetchErr)
	})
	if err == alesco.ErrUnchanged {
		err = nil
	}
	if fetchErr != nil {
		return fetchErr
	}
	return err
}

// keepEvents stores a reading of c's events site and queues the posts
// of what drifted, unless nothing changed (ErrUnchanged).
func (a *App) keepEvents(tx alesco.Tx, c *alesco.Committee, exp alesco.EventExport, fetchErr error) (alesco.Change, error) {
	was, err := tx.EventSite(c.ID)
	if err != nil {
		return alesco.Change{}, err
	}
	if was.URL != c.EventSite.ICS {
		was = alesco.EventSite{URL: c.EventSite.ICS}
	}
	next := was
	next.Attempt = tx.Now()
	switch {
	case fetchErr != nil:
		next.Error = publicError(fetchErr)
	case exp.NotModified:
		next.Error = ""
	default:
		next.Events, next.ETag, next.LastModified, next.Error = exp.Events, exp.ETag, exp.LastModified, ""
		if !sameEvents(was.Events, exp.Events) || was.Read.IsZero() {
			next.Read = tx.Now()
		}
	}
	changed := next.Error != was.Error || next.ETag != was.ETag || next.LastModified != was.LastModified ||
		!next.Read.Equal(was.Read) || was.Attempt.IsZero()
	if changed {
		if err := tx.SaveEventSite(c.ID, next); err != nil {
			return alesco.Change{}, err
		}
	}
	var keys []string
	if next.Error == "" {
		if keys, err = a.queueEventPosts(tx, c); err != nil {
			return alesco.Change{}, err
		}
	}
	if !changed && len(keys) == 0 {
		return alesco.Change{}, alesco.ErrUnchanged
	}
	return alesco.Change{Action: "events.read", Subject: "committee/" + c.ID, Detail: map[string]any{
		"url": c.EventSite.ICS, "events": len(next.Events), "error": next.Error, "queued": keys}}, nil
}

// queueEventPosts queues the chat posts of the drift of the meetings of
// the next EventAnnounceAhead that are not queued already.
func (a *App) queueEventPosts(tx alesco.Tx, c *alesco.Committee) ([]string, error) {
	if !c.Notify.Chats(alesco.AnnounceEvents) {
		return nil, nil
	}
	s, err := loadSchedule(tx, c)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	ps := alesco.EventDrift(s.between(now, now.Add(EventAnnounceAhead)), s.site)
	effects := c.EventProblemEffects(ps, func(m alesco.Meeting) string { return a.Links(m).Page }, notice.Texts{})
	var keys []string
	for _, e := range effects {
		queued, err := tx.Outbox(alesco.OutboxFilter{Key: e.Key})
		if err != nil {
			return nil, err
		}
		if len(queued) > 0 {
			continue // said once already
		}
		if _, err := tx.Enqueue(e); err != nil {
			return nil, err
		}
		keys = append(keys, e.Key)
	}
	return keys, nil
}

func sameEvents(a, b []alesco.SiteEvent) bool {
	return slices.EqualFunc(a, b, func(x, y alesco.SiteEvent) bool {
		return x.UID == y.UID && x.Title == y.Title && x.URL == y.URL && x.Cancelled == y.Cancelled &&
			x.Start.Equal(y.Start) && x.End.Equal(y.End)
	})
}

// publicError is what may be said of a reading's failure.
func publicError(err error) string {
	var pe interface{ PublicError() string }
	if errors.As(err, &pe) {
		return pe.PublicError()
	}
	return "the events site could not be read"
}

func noEventSite(c *alesco.Committee) error {
	return alesco.Errorf(alesco.EPRECONDITION, "%s names no events site: set events.ics in its configuration (see docs/calendar.md)", c.ShortName)
}

// EventCheck is how a committee's meetings and its events site agree.
type EventCheck struct {
	Committee *alesco.Committee
	// Site is what is kept of the events site: its last good copy, and
	// whether the last reading worked (Site.Readable).
	Site     alesco.EventSite
	Meetings int // meetings checked
	Problems []alesco.EventProblem
}

// CheckEvents compares a committee's meetings starting in [from, to)
// with its events site's last good copy (alesco.EventDrift).
func (a *App) CheckEvents(ctx context.Context, committeeID string, from, to time.Time) (EventCheck, error) {
	if !from.Before(to) || to.Sub(from) > maxListSpan {
		return EventCheck{}, alesco.Errorf(alesco.EINVALID, "check from a day to a later one, at most five years apart")
	}
	var out EventCheck
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, err := a.committeeSchedule(tx, committeeID)
		if err != nil {
			return err
		}
		if s.c.EventSite.ICS == "" {
			return noEventSite(s.c)
		}
		out.Committee = s.c
		if out.Site, err = tx.EventSite(s.c.ID); err != nil {
			return err
		}
		if out.Site.URL != s.c.EventSite.ICS {
			out.Site = alesco.EventSite{URL: s.c.EventSite.ICS}
		}
		ms := s.between(from, to)
		out.Meetings = len(ms)
		out.Problems = alesco.EventDrift(ms, s.site)
		return nil
	})
	return out, err
}

// MeetingEventProblems returns the drift of one meeting to come (the
// meeting page and the console warn of it), or none; the events site's
// failure is said beside it (siteError) when its last reading failed.
func (a *App) MeetingEventProblems(ctx context.Context, m alesco.Meeting) (ps []alesco.EventProblem, siteError string, err error) {
	c, err := a.Committees().Get(m.CommitteeID)
	if err != nil || c.EventSite.ICS == "" || (m.Status != alesco.MeetingCancelled && !m.End.After(a.now())) {
		return nil, "", err
	}
	chk, err := a.CheckEvents(ctx, c.ID, m.Start, m.Start.Add(time.Second))
	if err != nil {
		return nil, "", err
	}
	for _, p := range chk.Problems {
		if p.Meeting.ID == m.ID {
			ps = append(ps, p)
		}
	}
	if chk.Site.Error != "" || chk.Site.Read.IsZero() {
		siteError = cmp.Or(chk.Site.Error, "the events site has not been read yet")
	}
	return ps, siteError, nil
}
