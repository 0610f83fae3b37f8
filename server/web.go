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
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/web"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// webMaxAge is how long browsers and proxies may reuse a page without
// asking; with an ETag they then revalidate cheaply.
const webMaxAge = time.Minute

var webCacheControl = cacheControlFor(webMaxAge)

// webRoutes registers the public HTML pages:
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
func (s *Server) webRoutes(mux *http.ServeMux) {
	pages, err := web.New()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a bug every test catches
	}
	mux.Handle("/", &webHandler{s: s, pages: pages})
}

type webHandler struct {
	s     *Server
	pages *web.Pages
}

// webResult is a page ready to render. Only 200 results that are marked
// cacheable go through the cache, so unknown paths cannot grow it.
type webResult struct {
	status    int
	page      string
	data      any
	cacheable bool
}

// webUncached carries a result out of cache.get without storing it.
type webUncached struct{ res webResult }

func (e *webUncached) Error() string { return "web: page not cached" }

type webBuild func(ctx context.Context, now time.Time) (webResult, error)

func (h *webHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var build webBuild
	csp := web.ContentSecurityPolicy
	switch {
	case path == "/":
		build = h.index
	case len(parts) == 1:
		build = func(ctx context.Context, now time.Time) (webResult, error) { return h.committee(ctx, now, parts[0]) }
	case len(parts) == 2 && parts[1] == "proposals":
		build = func(ctx context.Context, now time.Time) (webResult, error) { return h.proposals(ctx, now, parts[0]) }
	case len(parts) == 2 && parts[1] == "meetings":
		build = func(ctx context.Context, now time.Time) (webResult, error) { return h.meetings(ctx, now, parts[0]) }
	case len(parts) == 2 && parts[1] == "minutes":
		build = func(ctx context.Context, now time.Time) (webResult, error) { return h.minutes(ctx, parts[0]) }
	case len(parts) == 2 && parts[1] == "search":
		q := r.URL.Query().Get("q")
		build = func(ctx context.Context, now time.Time) (webResult, error) { return h.search(ctx, parts[0], q) }
	case len(parts) == 3 && parts[1] == "meetings":
		build = func(ctx context.Context, now time.Time) (webResult, error) {
			return h.meeting(ctx, now, parts[0], parts[2])
		}
	case len(parts) == 4 && parts[1] == "meetings" && parts[3] == "console":
		csp = web.ConsoleContentSecurityPolicy
		build = func(ctx context.Context, now time.Time) (webResult, error) {
			return h.console(ctx, parts[0], parts[2])
		}
	default:
		build = func(context.Context, time.Time) (webResult, error) {
			return webNotFound("There is no page at this address."), nil
		}
	}
	h.serve(w, r, build, csp)
}

// console is a meeting's live console: a shell its script fills from the
// API, for real meetings only.
func (h *webHandler) console(ctx context.Context, committeeID, meetingID string) (webResult, error) {
	c, nf, err := h.getCommittee(ctx, committeeID)
	if nf != nil || err != nil {
		return webDeref(nf), err
	}
	missing := webNotFound(fmt.Sprintf("%s has no meeting %q.", c.ShortName, meetingID))
	m, err := webCall(ctx, (&meetingService{Server: h.s}).GetMeeting, &alescov1.GetMeetingRequest{MeetingId: meetingID})
	if err != nil {
		if code := codeOf(err); code == connect.CodeNotFound || code == connect.CodeInvalidArgument {
			return missing, nil
		}
		return webResult{}, err
	}
	if m.Meeting.GetCommitteeId() != c.Id {
		return missing, nil
	}
	page := &web.ConsolePage{
		Layout:    web.Layout{Title: c.ShortName + " meeting console " + m.Meeting.GetLocalStart()[:10], Committee: c, Section: "meeting"},
		MeetingID: meetingID, Date: m.Meeting.GetLocalStart()[:10],
	}
	// The minutes' Markdown exists once the minutes do (the page is
	// rendered again when they start: any write moves the cache on).
	if _, err := webCall(ctx, (&minutesService{Server: h.s}).GetMinutes, &alescov1.GetMinutesRequest{MeetingId: meetingID}); err == nil {
		page.MinutesMarkdownURL = "/minutes/" + meetingID + ".md"
	} else if codeOf(err) != connect.CodeNotFound {
		return webResult{}, err
	}
	return webResult{status: http.StatusOK, page: web.PageConsole, data: page, cacheable: true}, nil
}

// serve builds a page through the cache and answers with ETag/304 support.
func (h *webHandler) serve(w http.ResponseWriter, r *http.Request, build webBuild, csp string) {
	ctx := r.Context()
	now := h.s.app.Now()
	render := func(res webResult) (app.Rendered, error) {
		var buf bytes.Buffer
		if err := h.pages.Render(&buf, res.page, res.data); err != nil {
			return app.Rendered{}, err
		}
		return app.Rendered{Body: buf.Bytes(), ETag: app.ETag(buf.Bytes()), ContentType: "text/html; charset=utf-8"}, nil
	}
	// A page depends on the data and on the clock (the next meeting, days
	// in FCP, the roster's date): it is kept until the next minute.
	minute := now.Truncate(time.Minute)
	rep, err := h.s.app.Cache.Get("web "+r.URL.Path, h.s.app.CacheVersion(), minute, func() (app.Rendered, time.Time, error) {
		res, err := build(ctx, now)
		if err != nil {
			return app.Rendered{}, time.Time{}, err
		}
		if res.status != http.StatusOK || !res.cacheable {
			return app.Rendered{}, time.Time{}, &webUncached{res}
		}
		rep, err := render(res)
		return rep, minute.Add(time.Minute), err
	})
	status := http.StatusOK
	var unc *webUncached
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
	writeRendered(w, r, rep, webCacheControl)
}

func webNotFound(msg string) webResult {
	return webResult{status: http.StatusNotFound, page: web.PageNotFound,
		data: &web.NotFoundPage{Layout: web.Layout{Title: "Page not found · alesco"}, Message: msg}}
}

// webCall invokes one of the service handlers in-process, so the pages show
// exactly what the API returns.
func webCall[Req, Resp any](ctx context.Context, rpc func(context.Context, *connect.Request[Req]) (*connect.Response[Resp], error), msg *Req) (*Resp, error) {
	resp, err := rpc(ctx, connect.NewRequest(msg))
	if err != nil {
		return nil, err
	}
	if resp == nil || resp.Msg == nil {
		return nil, alesco.Errorf(alesco.EINTERNAL, "empty response")
	}
	return resp.Msg, nil
}

// Notes shown instead of a section whose data cannot be had.
const (
	noteNotYet      = "Not available yet."
	noteUnavailable = "Temporarily unavailable; please try again in a minute."
)

// note turns a failed call into the text a reader sees instead of the
// section; ifNotFound is the text for NotFound (which means "none").
// Unexpected errors are logged; a page never fails because a section did.
func (h *webHandler) note(ctx context.Context, what string, err error, ifNotFound string) string {
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

// getCommittee returns the committee or a 404 page.
func (h *webHandler) getCommittee(ctx context.Context, id string) (*alescov1.Committee, *webResult, error) {
	resp, err := webCall(ctx, (&committeeService{Server: h.s}).GetCommittee, &alescov1.GetCommitteeRequest{CommitteeId: id})
	if err != nil {
		if c := codeOf(err); c == connect.CodeNotFound || c == connect.CodeInvalidArgument {
			res := webNotFound(fmt.Sprintf("There is no committee %q here.", id))
			return nil, &res, nil
		}
		return nil, nil, err
	}
	return resp.Committee, nil, nil
}

func (h *webHandler) index(ctx context.Context, now time.Time) (webResult, error) {
	page := &web.IndexPage{Layout: web.Layout{Title: "Committees · alesco"}}
	resp, err := webCall(ctx, (&committeeService{Server: h.s}).ListCommittees, &alescov1.ListCommitteesRequest{})
	if err != nil {
		page.Note = h.note(ctx, "committees", err, "No committees are configured.")
	} else if len(resp.Committees) == 0 {
		page.Note = "No committees are configured."
	}
	for _, c := range resp.GetCommittees() {
		sum := web.CommitteeSummary{Committee: c}
		next, err := webCall(ctx, (&meetingService{Server: h.s}).GetNextMeeting, &alescov1.GetNextMeetingRequest{CommitteeId: c.Id})
		if err != nil {
			sum.NextNote = h.note(ctx, "next meeting", err, "No upcoming meeting is scheduled.")
		} else {
			sum.Next = next.Meeting
		}
		page.Committees = append(page.Committees, sum)
	}
	return webResult{status: http.StatusOK, page: web.PageIndex, data: page, cacheable: true}, nil
}

func (h *webHandler) committee(ctx context.Context, now time.Time, id string) (webResult, error) {
	c, nf, err := h.getCommittee(ctx, id)
	if nf != nil || err != nil {
		return webDeref(nf), err
	}
	page := &web.CommitteePage{
		Layout:    web.Layout{Title: c.ShortName + ": meetings, agenda, proposals and minutes", Committee: c, Section: "home", Now: now},
		Subscribe: web.NewSubscribe(h.s.app.URL("/calendar/"+c.Id+".ics"), c.ShortName+" meetings"),
	}
	next, err := webCall(ctx, (&meetingService{Server: h.s}).GetNextMeeting, &alescov1.GetNextMeetingRequest{CommitteeId: c.Id})
	agendaReq := &alescov1.GetAgendaRequest{MeetingId: "next", CommitteeId: c.Id}
	if err != nil {
		page.NextNote = h.note(ctx, "next meeting", err, "No upcoming meeting is scheduled.")
	} else {
		page.Next = next.Meeting
		agendaReq.MeetingId = next.Meeting.GetId()
	}
	if ag, err := webCall(ctx, (&agendaService{Server: h.s}).GetAgenda, agendaReq); err != nil {
		page.AgendaNote = h.note(ctx, "agenda", err, "There is no agenda yet.")
	} else {
		page.Agenda = ag.Agenda
	}
	if ps, err := webCall(ctx, (&proposalService{Server: h.s}).ListProposals, &alescov1.ListProposalsRequest{CommitteeId: c.Id, States: web.OpenStates}); err != nil {
		page.ProposalsNote = h.note(ctx, "proposals", err, "")
	} else {
		page.Proposals = web.GroupProposals(ps.Proposals)
		page.Sync = web.SyncInfo{LastSynced: ps.LastSyncedTime, Error: ps.SyncError}
	}
	if ms, err := webCall(ctx, (&minutesService{Server: h.s}).ListMinutes, &alescov1.ListMinutesRequest{CommitteeId: c.Id}); err != nil {
		page.DecisionsNote = h.note(ctx, "decisions", err, "")
	} else {
		page.Decisions = web.RecentDecisions(ms.Minutes, 3)
	}
	return webResult{status: http.StatusOK, page: web.PageCommittee, data: page, cacheable: true}, nil
}

func (h *webHandler) meeting(ctx context.Context, now time.Time, committeeID, meetingID string) (webResult, error) {
	c, nf, err := h.getCommittee(ctx, committeeID)
	if nf != nil || err != nil {
		return webDeref(nf), err
	}
	missing := webNotFound(fmt.Sprintf("%s has no meeting %q.", c.ShortName, meetingID))
	mc, date, _, err := h.s.app.Committees().ParseMeetingID(meetingID)
	if err != nil || mc.ID != c.Id {
		return missing, nil
	}
	page := &web.MeetingPage{
		Layout:    web.Layout{Title: c.ShortName + " meeting " + date.String(), Committee: c, Section: "meeting", Now: now},
		MeetingID: meetingID,
		// Until the meeting says otherwise, a meeting today or later is upcoming.
		Upcoming:           !date.Before(mc.Today(now)),
		ICSURL:             h.s.app.URL("/calendar/" + c.Id + "/" + meetingID + ".ics"),
		AgendaMarkdownURL:  "/agenda/" + meetingID + ".md",
		MinutesMarkdownURL: "/minutes/" + meetingID + ".md",
	}
	res := webResult{status: http.StatusOK, page: web.PageMeeting, data: page}
	if m, err := webCall(ctx, (&meetingService{Server: h.s}).GetMeeting, &alescov1.GetMeetingRequest{MeetingId: meetingID}); err != nil {
		if codeOf(err) == connect.CodeNotFound {
			return missing, nil
		}
		page.MeetingNote = h.note(ctx, "meeting", err, "")
	} else if m.Meeting.GetCommitteeId() != c.Id {
		return missing, nil
	} else {
		// Only real meetings are cached: ids are unbounded, meetings are not.
		res.cacheable = true
		page.Meeting = m.Meeting
		if end := m.Meeting.GetEndTime(); end != nil {
			page.Upcoming = end.AsTime().After(now)
		}
		if l := m.Meeting.GetLinks(); l != nil {
			page.ICSURL = cmp.Or(l.IcsUrl, page.ICSURL)
			page.AgendaMarkdownURL = cmp.Or(l.AgendaUrl, page.AgendaMarkdownURL)
			page.MinutesMarkdownURL = cmp.Or(l.MinutesUrl, page.MinutesMarkdownURL)
		}
	}
	if ag, err := webCall(ctx, (&agendaService{Server: h.s}).GetAgenda, &alescov1.GetAgendaRequest{MeetingId: meetingID, CommitteeId: c.Id}); err != nil {
		page.AgendaNote = h.note(ctx, "agenda", err, "No agenda was recorded for this meeting.")
	} else {
		page.Agenda = ag.Agenda
	}
	ifNone := "No minutes have been recorded for this meeting."
	if page.Upcoming {
		ifNone = "Minutes will be published after the meeting."
	}
	if mn, err := webCall(ctx, (&minutesService{Server: h.s}).GetMinutes, &alescov1.GetMinutesRequest{MeetingId: meetingID}); err != nil {
		page.MinutesNote = h.note(ctx, "minutes", err, ifNone)
	} else {
		page.Minutes = mn.Minutes
	}
	return res, nil
}

func (h *webHandler) proposals(ctx context.Context, now time.Time, committeeID string) (webResult, error) {
	c, nf, err := h.getCommittee(ctx, committeeID)
	if nf != nil || err != nil {
		return webDeref(nf), err
	}
	page := &web.ProposalsPage{Layout: web.Layout{Title: c.ShortName + " proposals", Committee: c, Section: "proposals", Now: now}}
	if next, err := webCall(ctx, (&meetingService{Server: h.s}).GetNextMeeting, &alescov1.GetNextMeetingRequest{CommitteeId: c.Id}); err == nil {
		page.Next = next.Meeting
	}
	if ps, err := webCall(ctx, (&proposalService{Server: h.s}).ListProposals, &alescov1.ListProposalsRequest{CommitteeId: c.Id}); err != nil {
		page.Note = h.note(ctx, "proposals", err, "")
	} else {
		page.Groups = web.GroupProposals(ps.Proposals)
		page.Sync = web.SyncInfo{LastSynced: ps.LastSyncedTime, Error: ps.SyncError}
	}
	return webResult{status: http.StatusOK, page: web.PageProposals, data: page, cacheable: true}, nil
}

// meetingsLookback is how far back the meetings page lists meetings;
// older ones with minutes are on the minutes page.
const meetingsLookback = 4

// meetings lists a committee's meetings from meetingsLookback years ago
// to three months ahead, in one ListMeetings call whose request stays the
// same all day (one cached answer a day), split by the clock into those
// to come and those past.
func (h *webHandler) meetings(ctx context.Context, now time.Time, committeeID string) (webResult, error) {
	c, nf, err := h.getCommittee(ctx, committeeID)
	if nf != nil || err != nil {
		return webDeref(nf), err
	}
	page := &web.MeetingsPage{
		Layout:  web.Layout{Title: c.ShortName + " meetings", Committee: c, Section: "meetings", Now: now},
		FeedURL: h.s.app.URL("/calendar/" + c.Id + ".ics"),
	}
	res := webResult{status: http.StatusOK, page: web.PageMeetings, data: page, cacheable: true}
	dc, err := h.s.app.Committees().Get(c.Id)
	if err != nil {
		page.Note = h.note(ctx, "meetings", err, "")
		return res, nil
	}
	today := dc.Today(now)
	from, to := today.AddMonths(-12*meetingsLookback), today.AddMonths(3)
	ms, err := webCall(ctx, (&meetingService{Server: h.s}).ListMeetings, &alescov1.ListMeetingsRequest{CommitteeId: c.Id,
		StartTime: timestamppb.New(from.Midnight(dc.Location)), EndTime: timestamppb.New(to.Midnight(dc.Location))})
	if err != nil {
		page.Note = h.note(ctx, "meetings", err, "")
		return res, nil
	}
	page.Since = from.String()
	for _, m := range ms.Meetings {
		if m.GetEndTime().AsTime().After(now) {
			page.Upcoming = append(page.Upcoming, m)
		} else {
			page.Past = append([]*alescov1.Meeting{m}, page.Past...)
		}
	}
	return res, nil
}

func (h *webHandler) minutes(ctx context.Context, committeeID string) (webResult, error) {
	c, nf, err := h.getCommittee(ctx, committeeID)
	if nf != nil || err != nil {
		return webDeref(nf), err
	}
	page := &web.MinutesPage{Layout: web.Layout{Title: c.ShortName + " minutes", Committee: c, Section: "minutes"}}
	if ms, err := webCall(ctx, (&minutesService{Server: h.s}).ListMinutes, &alescov1.ListMinutesRequest{CommitteeId: c.Id, PageSize: alesco.MaxPageSize}); err != nil {
		page.Note = h.note(ctx, "minutes", err, "")
	} else {
		page.Minutes = web.SortMinutes(ms.Minutes)
	}
	return webResult{status: http.StatusOK, page: web.PageMinutes, data: page, cacheable: true}, nil
}

// search answers the search box. Results depend on the query, which the
// page cache does not key on: they are built for each request (a search
// is one FTS5 query).
func (h *webHandler) search(ctx context.Context, committeeID, q string) (webResult, error) {
	c, nf, err := h.getCommittee(ctx, committeeID)
	if nf != nil || err != nil {
		return webDeref(nf), err
	}
	q = strings.TrimSpace(q)
	title := "Search " + c.ShortName
	if q != "" {
		title = q + " · search " + c.ShortName
	}
	page := &web.SearchPage{Layout: web.Layout{Title: title, Committee: c, Section: "search", Query: q}}
	res := webResult{status: http.StatusOK, page: web.PageSearch, data: page}
	if q == "" {
		return res, nil
	}
	resp, err := webCall(ctx, (&minutesService{Server: h.s}).SearchMinutes, &alescov1.SearchMinutesRequest{CommitteeId: c.Id, Query: q})
	switch {
	case codeOf(err) == connect.CodeInvalidArgument:
		page.Note = alesco.ErrorMessage(err)
	case err != nil:
		page.Note = h.note(ctx, "search", err, "")
	default:
		page.Results = resp.Results
	}
	return res, nil
}

func webDeref(r *webResult) webResult {
	if r == nil {
		return webResult{}
	}
	return *r
}
