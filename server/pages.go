package server

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
	"github.com/almalinux/alesco/pages"
	"github.com/almalinux/alesco/rendercache"
)

// pageMaxAge is how long browsers and proxies may reuse a page without
// asking; with an ETag they then revalidate cheaply.
const pageMaxAge = time.Minute

var pageCacheControl = cacheControlFor(pageMaxAge)

// pageRoutes registers the public HTML pages:
//
//	/                                    committees
//	/{committee}                         next meeting with its agenda, open proposals, decisions, members, subscribe
//	/{committee}/meetings                upcoming and past meetings, with agendas and minutes
//	/{committee}/meetings/{meeting_id}   agenda before, minutes after
//	/{committee}/meetings/{meeting_id}/console   the meeting live (script on the API)
//	/{committee}/proposals               every proposal by state
//	/{committee}/minutes                 every meeting with minutes
//	/{committee}/search?q=WORDS          what the record says about WORDS
//
// They are served by ONE handler on "/" that routes by splitting the path
// itself: Go's ServeMux reports any method-qualified pattern there ("GET /",
// "GET /{committee}/proposals") as conflicting with the Connect prefix
// patterns such as "/alesco.v1.CommitteeService/". A bare "/" is less
// specific than every other route, so the feeds, Markdown, webhooks, health
// check and the API keep their own handlers.
//
// Each page calls the use cases it shows (the API's handlers call the
// same ones) and hands their domain values to package pages.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	tmpl, err := pages.New()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a bug every test catches
	}
	mux.Handle("/", &pageHandler{s: s, pages: tmpl})
}

type pageHandler struct {
	s     *Server
	pages *pages.Pages
}

// pageResult is a page ready to render. Only 200 results that are marked
// cacheable go through the cache, so unknown paths cannot grow it.
type pageResult struct {
	status    int
	page      string
	data      any
	cacheable bool
}

// pageUncached carries a result out of cache.Get without storing it.
type pageUncached struct{ res pageResult }

func (e *pageUncached) Error() string { return "pages: page not cached" }

type pageBuild func(ctx context.Context, now time.Time) (pageResult, error)

func (h *pageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the pages are read-only", http.StatusMethodNotAllowed)
		return
	}
	path := r.URL.Path
	if path != "/" && strings.HasSuffix(path, "/") {
		http.Redirect(w, r, strings.TrimRight(path, "/"), http.StatusMovedPermanently)
		return
	}
	build, csp := h.route(path, r.URL.Query().Get("q"))
	h.serve(w, r, build, csp)
}

// route finds the page at path and the Content-Security-Policy it is
// served with; q is the search box's text.
func (h *pageHandler) route(path, q string) (pageBuild, string) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	page := func(f func(ctx context.Context, now time.Time, committeeID string) (pageResult, error)) pageBuild {
		return func(ctx context.Context, now time.Time) (pageResult, error) { return f(ctx, now, parts[0]) }
	}
	switch {
	case path == "/":
		return h.index, pages.ContentSecurityPolicy
	case len(parts) == 1:
		return page(h.committee), pages.ContentSecurityPolicy
	case len(parts) == 2 && parts[1] == "proposals":
		return page(h.proposals), pages.ContentSecurityPolicy
	case len(parts) == 2 && parts[1] == "meetings":
		return page(h.meetings), pages.ContentSecurityPolicy
	case len(parts) == 2 && parts[1] == "minutes":
		return page(h.minutes), pages.ContentSecurityPolicy
	case len(parts) == 2 && parts[1] == "search":
		return func(ctx context.Context, now time.Time) (pageResult, error) { return h.search(ctx, now, parts[0], q) }, pages.ContentSecurityPolicy
	case len(parts) == 3 && parts[1] == "members":
		return func(ctx context.Context, now time.Time) (pageResult, error) {
			return h.member(ctx, now, parts[0], parts[2])
		}, pages.ContentSecurityPolicy
	case len(parts) == 3 && parts[1] == "meetings":
		return func(ctx context.Context, now time.Time) (pageResult, error) {
			return h.meeting(ctx, now, parts[0], parts[2])
		}, pages.ContentSecurityPolicy
	case len(parts) == 4 && parts[1] == "meetings" && parts[3] == "console":
		return func(ctx context.Context, now time.Time) (pageResult, error) {
			return h.console(ctx, now, parts[0], parts[2])
		}, pages.ConsoleContentSecurityPolicy
	}
	return func(context.Context, time.Time) (pageResult, error) {
		return pageNotFound("There is no page at this address."), nil
	}, pages.ContentSecurityPolicy
}

// console is a meeting's live console: a shell its script fills from the
// API, for real meetings only.
func (h *pageHandler) console(ctx context.Context, now time.Time, committeeID, meetingID string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, committeeID)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	missing := pageNotFound(fmt.Sprintf("%s has no meeting %q.", c.ShortName, meetingID))
	m, err := h.s.app.GetMeeting(ctx, meetingID)
	if err != nil {
		if code := codeOf(err); code == connect.CodeNotFound || code == connect.CodeInvalidArgument {
			return missing, nil
		}
		return pageResult{}, err
	}
	if m.CommitteeID != c.ID {
		return missing, nil
	}
	date := m.LocalDate().String()
	page := &pages.ConsolePage{
		Layout:    pages.Layout{Title: c.ShortName + " meeting console " + date, Committee: c, Section: "meeting"},
		MeetingID: meetingID, Date: date, Events: h.eventWarning(ctx, m),
	}
	// The minutes' Markdown exists once the minutes do (the page is
	// rendered again when they start: any write moves the cache on).
	if _, _, err := h.s.app.GetMinutes(ctx, meetingID); err == nil {
		page.MinutesMarkdownURL = "/minutes/" + meetingID + ".md"
	} else if codeOf(err) != connect.CodeNotFound {
		return pageResult{}, err
	}
	return pageResult{status: http.StatusOK, page: pages.PageConsole, data: page, cacheable: true}, nil
}

// serve builds a page through the cache and answers with ETag/304 support.
func (h *pageHandler) serve(w http.ResponseWriter, r *http.Request, build pageBuild, csp string) {
	ctx := r.Context()
	now := h.s.app.Now()
	render := func(res pageResult) (rendercache.Rendered, error) {
		var buf bytes.Buffer
		if err := h.pages.Render(&buf, res.page, res.data); err != nil {
			return rendercache.Rendered{}, err
		}
		return rendercache.Rendered{Body: buf.Bytes(), ETag: rendercache.ETag(buf.Bytes()), ContentType: "text/html; charset=utf-8"}, nil
	}
	// A page depends on the data and on the clock (the next meeting, days
	// in FCP, the roster's date): it is kept until the next minute.
	minute := now.Truncate(time.Minute)
	rep, err := h.s.cache.Get("web "+r.URL.Path, h.s.app.Version(), minute, func() (rendercache.Rendered, time.Time, error) {
		res, err := build(ctx, now)
		if err != nil {
			return rendercache.Rendered{}, time.Time{}, err
		}
		if res.status != http.StatusOK || !res.cacheable {
			return rendercache.Rendered{}, time.Time{}, &pageUncached{res}
		}
		rep, err := render(res)
		return rep, minute.Add(time.Minute), err
	})
	status := http.StatusOK
	var unc *pageUncached
	if errors.As(err, &unc) {
		status = unc.res.status
		rep, err = render(unc.res)
	}
	if err != nil {
		h.s.httpError(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	if status != http.StatusOK {
		hd.Set("Content-Type", rep.ContentType)
		hd.Set("Cache-Control", "no-cache")
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(rep.Body)
		}
		return
	}
	writeRendered(w, r, rep, pageCacheControl)
}

func pageNotFound(msg string) pageResult {
	return pageResult{status: http.StatusNotFound, page: pages.PageNotFound,
		data: &pages.NotFoundPage{Layout: pages.Layout{Title: "Page not found · alesco"}, Message: msg}}
}

// Notes shown instead of a section whose data cannot be had.
const (
	noteNotYet      = "Not available yet."
	noteUnavailable = "Temporarily unavailable; please try again in a minute."
)

// note turns a failed use case into the text a reader sees instead of the
// section; ifNotFound is the text for NotFound (which means "none").
// Unexpected errors are logged; a page never fails because a section did.
func (h *pageHandler) note(ctx context.Context, what string, err error, ifNotFound string) string {
	switch codeOf(err) {
	case connect.CodeUnimplemented:
		return noteNotYet
	case connect.CodeNotFound:
		return ifNotFound
	case connect.CodeUnavailable, connect.CodeCanceled:
		return noteUnavailable
	}
	h.s.log.ErrorContext(ctx, "web: section unavailable", "section", what, "err", err)
	return noteUnavailable
}

// getCommittee returns the committee as its pages show it today, or a 404
// page.
func (h *pageHandler) getCommittee(ctx context.Context, now time.Time, id string) (*pages.Committee, *pageResult, error) {
	c, err := h.s.app.Committee(ctx, id)
	if err != nil {
		if code := codeOf(err); code == connect.CodeNotFound || code == connect.CodeInvalidArgument {
			res := pageNotFound(fmt.Sprintf("There is no committee %q here.", id))
			return nil, &res, nil
		}
		return nil, nil, err
	}
	return pages.NewCommittee(c, c.Today(now)), nil, nil
}

// meetingOf is m with its public links, as the pages show it.
func (h *pageHandler) meetingOf(m alesco.Meeting) *pages.Meeting {
	return &pages.Meeting{Meeting: m, Links: h.s.app.Links(m)}
}

// nextMeeting is a committee's next meeting.
func (h *pageHandler) nextMeeting(ctx context.Context, committeeID string) (*pages.Meeting, error) {
	m, err := h.s.app.NextMeeting(ctx, committeeID)
	if err != nil {
		return nil, err
	}
	return h.warned(ctx, h.meetingOf(m)), nil
}

// agenda is a meeting's agenda ("next" with a committee), as the API's
// GetAgenda reads it (and from the same cache).
func (h *pageHandler) agenda(ctx context.Context, meetingID, committeeID string) (*agenda.Agenda, error) {
	rep, err := h.s.agendaJSON(ctx, meetingID, committeeID)
	if err != nil {
		return nil, err
	}
	a, err := decodeAgenda(rep)
	return &a, err
}

// listMinutes is one page of a committee's minutes (q's size, or the
// default), with their quorums.
func (h *pageHandler) listMinutes(ctx context.Context, committeeID string, q alesco.MinutesQuery) ([]*pages.Minutes, error) {
	c, ms, _, err := h.s.app.ListMinutesPage(ctx, committeeID, q)
	if err != nil {
		return nil, err
	}
	out := make([]*pages.Minutes, 0, len(ms))
	for _, m := range ms {
		out = append(out, pages.NewMinutes(c, m))
	}
	return out, nil
}

func (h *pageHandler) index(ctx context.Context, now time.Time) (pageResult, error) {
	page := &pages.IndexPage{Layout: pages.Layout{Title: "Committees · alesco"}}
	cs, err := h.s.app.ListCommittees(ctx)
	if err != nil {
		page.Note = h.note(ctx, "committees", err, "No committees are configured.")
	} else if len(cs) == 0 {
		page.Note = "No committees are configured."
	}
	for _, c := range cs {
		sum := pages.CommitteeSummary{Committee: pages.NewCommittee(c, c.Today(now))}
		if sum.Next, err = h.nextMeeting(ctx, c.ID); err != nil {
			sum.NextNote = h.note(ctx, "next meeting", err, "No upcoming meeting is scheduled.")
		}
		page.Committees = append(page.Committees, sum)
	}
	return pageResult{status: http.StatusOK, page: pages.PageIndex, data: page, cacheable: true}, nil
}

func (h *pageHandler) committee(ctx context.Context, now time.Time, id string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, id)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	page := &pages.CommitteePage{
		Layout:    pages.Layout{Title: c.ShortName + ": meetings, agenda, proposals and minutes", Committee: c, Section: "home", Now: now},
		Subscribe: pages.NewSubscribe(h.s.app.URL("/calendar/"+c.ID+".ics"), c.ShortName+" meetings"),
	}
	agendaID := "next"
	if page.Next, err = h.nextMeeting(ctx, c.ID); err != nil {
		page.NextNote = h.note(ctx, "next meeting", err, "No upcoming meeting is scheduled.")
	} else {
		agendaID = page.Next.ID
	}
	if page.Agenda, err = h.agenda(ctx, agendaID, c.ID); err != nil {
		page.Agenda, page.AgendaNote = nil, h.note(ctx, "agenda", err, "There is no agenda yet.")
	}
	if page.Proposals, page.Sync, err = h.proposalsOf(ctx, c.ID, pages.OpenStates...); err != nil {
		page.ProposalsNote = h.note(ctx, "proposals", err, "")
	}
	if ms, err := h.listMinutes(ctx, c.ID, alesco.MinutesQuery{}); err != nil {
		page.DecisionsNote = h.note(ctx, "decisions", err, "")
	} else {
		page.Decisions = pages.RecentDecisions(ms, 3)
	}
	return pageResult{status: http.StatusOK, page: pages.PageCommittee, data: page, cacheable: true}, nil
}

func (h *pageHandler) meeting(ctx context.Context, now time.Time, committeeID, meetingID string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, committeeID)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	missing := pageNotFound(fmt.Sprintf("%s has no meeting %q.", c.ShortName, meetingID))
	mc, date, _, err := h.s.app.Committees().ParseMeetingID(meetingID)
	if err != nil || mc.ID != c.ID {
		return missing, nil
	}
	page := &pages.MeetingPage{
		Layout:    pages.Layout{Title: c.ShortName + " meeting " + date.String(), Committee: c, Section: "meeting", Now: now},
		MeetingID: meetingID,
		// Until the meeting says otherwise, a meeting today or later is upcoming.
		Upcoming:           !date.Before(mc.Today(now)),
		ICSURL:             h.s.app.URL("/calendar/" + c.ID + "/" + meetingID + ".ics"),
		AgendaMarkdownURL:  "/agenda/" + meetingID + ".md",
		MinutesMarkdownURL: "/minutes/" + meetingID + ".md",
	}
	res := pageResult{status: http.StatusOK, page: pages.PageMeeting, data: page}
	if m, err := h.s.app.GetMeeting(ctx, meetingID); err != nil {
		if codeOf(err) == connect.CodeNotFound {
			return missing, nil
		}
		page.MeetingNote = h.note(ctx, "meeting", err, "")
	} else if m.CommitteeID != c.ID {
		return missing, nil
	} else {
		// Only real meetings are cached: ids are unbounded, meetings are not.
		res.cacheable = true
		page.Meeting = h.warned(ctx, h.meetingOf(m))
		page.Upcoming = m.End.After(now)
		l := page.Meeting.Links
		page.ICSURL = cmp.Or(l.ICS, page.ICSURL)
		page.AgendaMarkdownURL = cmp.Or(l.Agenda, page.AgendaMarkdownURL)
		page.MinutesMarkdownURL = cmp.Or(l.Minutes, page.MinutesMarkdownURL)
	}
	if page.Agenda, err = h.agenda(ctx, meetingID, c.ID); err != nil {
		page.Agenda, page.AgendaNote = nil, h.note(ctx, "agenda", err, "No agenda was recorded for this meeting.")
	}
	ifNone := "No minutes have been recorded for this meeting."
	if page.Upcoming {
		ifNone = "Minutes will be published after the meeting."
	}
	if mc, m, err := h.s.app.GetMinutes(ctx, meetingID); err != nil {
		page.MinutesNote = h.note(ctx, "minutes", err, ifNone)
	} else {
		page.Minutes = pages.NewMinutes(mc, m)
	}
	return res, nil
}

func (h *pageHandler) proposals(ctx context.Context, now time.Time, committeeID string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, committeeID)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	page := &pages.ProposalsPage{Layout: pages.Layout{Title: c.ShortName + " proposals", Committee: c, Section: "proposals", Now: now}}
	page.Next, _ = h.nextMeeting(ctx, c.ID)
	if page.Groups, page.Sync, err = h.proposalsOf(ctx, c.ID); err != nil {
		page.Note = h.note(ctx, "proposals", err, "")
	}
	return pageResult{status: http.StatusOK, page: pages.PageProposals, data: page, cacheable: true}, nil
}

// meetingsLookback is how far back the meetings page lists meetings;
// older ones with minutes are on the minutes page.
const meetingsLookback = 4

// meetings lists a committee's meetings from meetingsLookback years ago
// to three months ahead, in one ListMeetings call whose request stays the
// same all day, split by the clock into those to come and those past.
func (h *pageHandler) meetings(ctx context.Context, now time.Time, committeeID string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, committeeID)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	page := &pages.MeetingsPage{
		Layout:  pages.Layout{Title: c.ShortName + " meetings", Committee: c, Section: "meetings", Now: now},
		FeedURL: h.s.app.URL("/calendar/" + c.ID + ".ics"),
	}
	res := pageResult{status: http.StatusOK, page: pages.PageMeetings, data: page, cacheable: true}
	dc, err := h.s.app.Committees().Get(c.ID)
	if err != nil {
		page.Note = h.note(ctx, "meetings", err, "")
		return res, nil
	}
	today := dc.Today(now)
	from, to := today.AddMonths(-12*meetingsLookback), today.AddMonths(3)
	_, ms, err := h.s.app.ListMeetings(ctx, c.ID, from.Midnight(dc.Location).UTC(), to.Midnight(dc.Location).UTC())
	if err != nil {
		page.Note = h.note(ctx, "meetings", err, "")
		return res, nil
	}
	page.Since = from
	for _, m := range ms {
		if m.End.After(now) {
			page.Upcoming = append(page.Upcoming, *h.meetingOf(m))
		} else {
			page.Past = append([]pages.Meeting{*h.meetingOf(m)}, page.Past...)
		}
	}
	return res, nil
}

func (h *pageHandler) minutes(ctx context.Context, now time.Time, committeeID string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, committeeID)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	page := &pages.MinutesPage{Layout: pages.Layout{Title: c.ShortName + " minutes", Committee: c, Section: "minutes"}}
	if ms, err := h.listMinutes(ctx, c.ID, alesco.MinutesQuery{PageSize: alesco.MaxPageSize}); err != nil {
		page.Note = h.note(ctx, "minutes", err, "")
	} else {
		page.Minutes = pages.SortMinutes(ms)
	}
	return pageResult{status: http.StatusOK, page: pages.PageMinutes, data: page, cacheable: true}, nil
}

// search answers the search box. Results depend on the query, which the
// page cache does not key on: they are built for each request (a search
// is one FTS5 query).
func (h *pageHandler) search(ctx context.Context, now time.Time, committeeID, q string) (pageResult, error) {
	c, nf, err := h.getCommittee(ctx, now, committeeID)
	if nf != nil || err != nil {
		return pageDeref(nf), err
	}
	q = strings.TrimSpace(q)
	title := "Search " + c.ShortName
	if q != "" {
		title = q + " · search " + c.ShortName
	}
	page := &pages.SearchPage{Layout: pages.Layout{Title: title, Committee: c, Section: "search", Query: q}}
	res := pageResult{status: http.StatusOK, page: pages.PageSearch, data: page}
	if q == "" {
		return res, nil
	}
	sc, hits, err := h.s.app.SearchMinutes(ctx, c.ID, q, 0)
	switch {
	case codeOf(err) == connect.CodeInvalidArgument:
		page.Note = alesco.ErrorMessage(err)
	case err != nil:
		page.Note = h.note(ctx, "search", err, "")
	default:
		for _, hit := range hits {
			page.Results = append(page.Results, pages.SearchResult{SearchHit: hit, Link: h.s.app.HitURL(sc, hit)})
		}
	}
	return res, nil
}

func pageDeref(r *pageResult) pageResult {
	if r == nil {
		return pageResult{}
	}
	return *r
}
