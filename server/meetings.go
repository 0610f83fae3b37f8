package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/calendar"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// meetingService implements MeetingService.
type meetingService struct {
	*Server
	v1.UnimplementedMeetingServiceHandler
}

// maxListSpan bounds one ListMeetings window, so a request cannot ask the
// server to materialise centuries of meetings.
const maxListSpan = 5 * 366 * 24 * time.Hour

// feedMaxAge is the Cache-Control max-age of feeds: short, so that a
// cancellation reaches subscribers quickly; revalidation is cheap (ETag).
const feedMaxAge = 5 * time.Minute

func (s *meetingService) ListMeetings(ctx context.Context, req *connect.Request[alescov1.ListMeetingsRequest]) (*connect.Response[alescov1.ListMeetingsResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	from, to := req.Msg.StartTime.AsTime(), req.Msg.EndTime.AsTime()
	if req.Msg.StartTime == nil {
		from = c.Today(s.now()).Midnight(c.Location)
	}
	if req.Msg.EndTime == nil {
		to = from.AddDate(0, 3, 0)
	}
	switch {
	case !to.After(from):
		return nil, alesco.Errorf(alesco.EINVALID, "end_time (%s) must be after start_time (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
	case to.Sub(from) > maxListSpan:
		return nil, alesco.Errorf(alesco.EINVALID, "ask for at most five years of meetings at a time")
	}
	ms, err := s.meetings(ctx, c, from, to)
	if err != nil {
		return nil, err
	}
	out := &alescov1.ListMeetingsResponse{}
	for _, m := range ms {
		out.Meetings = append(out.Meetings, s.meetingProto(m))
	}
	return conditional(req, out)
}

func (s *meetingService) GetMeeting(ctx context.Context, req *connect.Request[alescov1.GetMeetingRequest]) (*connect.Response[alescov1.GetMeetingResponse], error) {
	_, m, err := s.meeting(ctx, req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	return conditional(req, &alescov1.GetMeetingResponse{Meeting: s.meetingProto(m)})
}

func (s *meetingService) GetNextMeeting(ctx context.Context, req *connect.Request[alescov1.GetNextMeetingRequest]) (*connect.Response[alescov1.GetNextMeetingResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	m, err := s.nextMeeting(ctx, c, s.now())
	if err != nil {
		return nil, err
	}
	return conditional(req, &alescov1.GetNextMeetingResponse{Meeting: s.meetingProto(m)})
}

func (s *meetingService) CancelMeeting(ctx context.Context, req *connect.Request[alescov1.CancelMeetingRequest]) (*connect.Response[alescov1.CancelMeetingResponse], error) {
	reason := strings.TrimSpace(req.Msg.Reason)
	if reason == "" {
		return nil, alesco.Errorf(alesco.EINVALID, "reason is required: say why meeting %s is cancelled (calendars show it)", req.Msg.MeetingId)
	}
	m, err := s.changeMeeting(ctx, req.Msg.MeetingId, func(m alesco.Meeting) (alesco.MeetingChange, error) {
		return alesco.CancelMeeting(m, reason, s.now())
	})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CancelMeetingResponse{Meeting: m}), nil
}

func (s *meetingService) RescheduleMeeting(ctx context.Context, req *connect.Request[alescov1.RescheduleMeetingRequest]) (*connect.Response[alescov1.RescheduleMeetingResponse], error) {
	if req.Msg.StartTime == nil {
		return nil, alesco.Errorf(alesco.EINVALID, "start_time is required: when should meeting %s take place?", req.Msg.MeetingId)
	}
	if err := req.Msg.StartTime.CheckValid(); err != nil {
		return nil, alesco.Errorf(alesco.EINVALID, "bad start_time: %v", err)
	}
	start := req.Msg.StartTime.AsTime()
	m, err := s.changeMeeting(ctx, req.Msg.MeetingId, func(m alesco.Meeting) (alesco.MeetingChange, error) {
		return alesco.RescheduleMeeting(m, start, s.now())
	})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.RescheduleMeetingResponse{Meeting: m}), nil
}

func (s *meetingService) AddMeeting(ctx context.Context, req *connect.Request[alescov1.AddMeetingRequest]) (*connect.Response[alescov1.AddMeetingResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	if req.Msg.StartTime == nil {
		return nil, alesco.Errorf(alesco.EINVALID, "start_time is required: when should the meeting take place?")
	}
	if err := req.Msg.StartTime.CheckValid(); err != nil {
		return nil, alesco.Errorf(alesco.EINVALID, "bad start_time: %v", err)
	}
	var d time.Duration
	if req.Msg.Duration != nil {
		if err := req.Msg.Duration.CheckValid(); err != nil {
			return nil, alesco.Errorf(alesco.EINVALID, "bad duration: %v", err)
		}
		if d = req.Msg.Duration.AsDuration(); d <= 0 {
			return nil, alesco.Errorf(alesco.EINVALID, "duration must be positive, got %s", d)
		}
	}
	changes, err := s.store.MeetingChanges(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	ch, err := c.AddMeeting(req.Msg.StartTime.AsTime(), d, strings.TrimSpace(req.Msg.Title), s.now(), changes)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.SaveMeetingChange(ctx, ch); err != nil {
		return nil, err
	}
	_, m, err := s.meeting(ctx, ch.MeetingID)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AddMeetingResponse{Meeting: s.meetingProto(m)}), nil
}

// changeMeeting looks a meeting up, derives its change with fn (which
// enforces the rules), stores it and returns the meeting as it now is.
func (s *Server) changeMeeting(ctx context.Context, id string, fn func(alesco.Meeting) (alesco.MeetingChange, error)) (*alescov1.Meeting, error) {
	if id == "" {
		return nil, alesco.Errorf(alesco.EINVALID, "meeting_id is required, e.g. alesco-2026-12-03")
	}
	_, m, err := s.meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	ch, err := fn(m)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.SaveMeetingChange(ctx, ch); err != nil {
		return nil, err
	}
	if _, m, err = s.meeting(ctx, id); err != nil {
		return nil, err
	}
	return s.meetingProto(m), nil
}

// conditional answers a read with an ETag over its exact content, and with
// Connect's not-modified error when the client already has it.
func conditional[Req, Resp any, PResp interface {
	*Resp
	proto.Message
}](req *connect.Request[Req], msg PResp) (*connect.Response[Resp], error) {
	body, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("server: marshal: %w", err)
	}
	resp := connect.NewResponse((*Resp)(msg))
	if err := checkNotModified(req.Header(), resp.Header(), ETag(body)); err != nil {
		return nil, err
	}
	return resp, nil
}

var statusProto = map[alesco.MeetingStatus]alescov1.MeetingStatus{
	alesco.MeetingScheduled: alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED,
	alesco.MeetingCancelled: alescov1.MeetingStatus_MEETING_STATUS_CANCELLED,
	alesco.MeetingMoved:     alescov1.MeetingStatus_MEETING_STATUS_MOVED,
	alesco.MeetingHeld:      alescov1.MeetingStatus_MEETING_STATUS_HELD,
}

// meetingProto converts a meeting to its API form, with its links.
func (s *Server) meetingProto(m alesco.Meeting) *alescov1.Meeting {
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	l := s.meetingLinks(m)
	return &alescov1.Meeting{
		Id: m.ID, CommitteeId: m.CommitteeID, Title: m.Title,
		StartTime: timestamppb.New(m.Start), EndTime: timestamppb.New(m.End), TimeZone: m.TimeZone,
		Status: statusProto[m.Status], CancelReason: m.CancelReason, SeriesId: m.SeriesID,
		OriginalStartTime: timestamppb.New(m.OriginalStart), Sequence: int32(m.Sequence),
		LocalStart: m.Start.In(loc).Format("2006-01-02T15:04"),
		Links:      &alescov1.MeetingLinks{AgendaUrl: l.agenda, MinutesUrl: l.minutes, FeedUrl: l.feed, IcsUrl: l.ics, PageUrl: l.page},
	}
}

type meetingLinks struct{ agenda, minutes, feed, ics, page string }

// meetingLinks are a meeting's public URLs. The minutes link is given for
// held meetings only: others have no minutes to read.
func (s *Server) meetingLinks(m alesco.Meeting) meetingLinks {
	l := meetingLinks{
		agenda: s.URL("/agenda/" + m.ID + ".md"),
		feed:   s.URL("/calendar/" + m.CommitteeID + ".ics"),
		ics:    s.URL("/calendar/" + m.CommitteeID + "/" + m.ID + ".ics"),
		page:   s.URL("/" + m.CommitteeID + "/meetings/" + m.ID),
	}
	if m.Status == alesco.MeetingHeld {
		l.minutes = s.URL("/minutes/" + m.ID + ".md")
	}
	return l
}

// feedState is what a committee's feeds depend on besides their kind: the
// data version, when the data last changed, and the next meeting (only it
// carries an agenda summary, which keeps feeds cheap to build).
type feedState struct {
	version      string
	lastModified time.Time
	next         alesco.Meeting // zero ID when there is none
	dataVersion  string
	computedAt   time.Time
}

// feedState works out a committee's feed state. It is remembered per
// committee until the data changes or the next meeting ends (the only
// moments it can change), so a cached feed costs one small query.
func (s *Server) feedState(ctx context.Context, c *alesco.Committee) (feedState, error) {
	version, at, err := s.store.LastWrite(ctx)
	if err != nil {
		return feedState{}, err
	}
	now := s.now()
	s.feedMu.Lock()
	st, ok := s.feedStates[c.ID]
	s.feedMu.Unlock()
	if ok && st.dataVersion == version && !now.Before(st.computedAt) && (st.next.ID == "" || now.Before(st.next.End)) {
		return st, nil
	}
	st, err = s.computeFeedState(ctx, c, version, at, now)
	if err != nil {
		return feedState{}, err
	}
	s.feedMu.Lock()
	s.feedStates[c.ID] = st
	s.feedMu.Unlock()
	return st, nil
}

func (s *Server) computeFeedState(ctx context.Context, c *alesco.Committee, version string, at, now time.Time) (feedState, error) {
	st := feedState{lastModified: at, dataVersion: version, computedAt: now}
	ms, err := s.meetings(ctx, c, now.Add(-62*24*time.Hour), now.Add(120*24*time.Hour))
	if err != nil {
		return feedState{}, err
	}
	for _, m := range ms {
		if m.Status == alesco.MeetingCancelled {
			continue
		}
		if m.End.After(now) {
			if st.next.ID == "" {
				st.next = m
			}
		} else if m.End.After(st.lastModified) {
			// The previous meeting's end is when the next one became next.
			st.lastModified = m.End
		}
	}
	if st.next.ID == "" {
		if next, err := s.nextMeeting(ctx, c, now); err == nil {
			st.next = next
		} else if alesco.ErrorCode(err) != alesco.ENOTFOUND {
			return feedState{}, err
		}
	}
	for _, sr := range c.Series {
		if e := sr.First.Midnight(time.UTC); e.After(st.lastModified) && e.Before(now) {
			st.lastModified = e
		}
	}
	st.version = version + "|" + st.next.ID
	return st, nil
}

// event renders m for a feed: its text, and whether that text is its own
// (a recurring feed then needs a RECURRENCE-ID override for it).
func (s *Server) event(ctx context.Context, c *alesco.Committee, m alesco.Meeting, st feedState) (calendar.Event, error) {
	l := s.meetingLinks(m)
	e := calendar.Event{Meeting: m, URL: l.page}
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	var lines []string
	switch {
	case m.Status == alesco.MeetingCancelled:
		lines = append(lines, "Cancelled: "+m.CancelReason)
	case m.Status == alesco.MeetingHeld:
		lines = append(lines, "Minutes: "+l.minutes)
		e.Own = true
	case m.ID == st.next.ID:
		sum, err := s.agendaSummary(ctx, c, m)
		if err != nil {
			return e, err
		}
		if sum = strings.TrimSpace(sum); sum != "" {
			lines = append(lines, sum, "")
			e.Own = true
		}
		lines = append(lines, "Agenda: "+l.agenda)
	case m.End.After(s.now()):
		lines = append(lines, "Agenda: "+l.agenda)
	}
	if m.Status == alesco.MeetingMoved {
		lines = append(lines, "Moved from "+m.OriginalStart.In(loc).Format("Mon 2 Jan 2006 15:04 MST")+".")
	}
	lines = append(lines, "Meeting page: "+l.page)
	e.Description = strings.Join(lines, "\n")
	return e, nil
}

func (s *Server) feedBase(c *alesco.Committee) calendar.Feed {
	return calendar.Feed{
		Name:        c.ShortName + " meetings",
		Description: "Meetings of the " + c.Name + ".",
		URL:         s.URL("/calendar/" + c.ID + ".ics"),
		Host:        s.Host(),
		CommitteeID: c.ID,
		Series:      c.Series,
		SeriesURL:   s.URL("/" + c.ID + "/meetings"),
		SeriesDescription: func(sr alesco.Series) string {
			every := "Every week"
			if sr.IntervalWeeks > 1 {
				every = fmt.Sprintf("Every %d weeks", sr.IntervalWeeks)
			}
			first := sr.First.At(sr.Hour, sr.Minute, sr.Location)
			return fmt.Sprintf("%s on %s at %s (%s).\nAgendas and minutes: %s",
				every, first.Weekday(), first.Format("15:04"), sr.TimeZone, s.URL("/"+c.ID+"/meetings"))
		},
	}
}

// buildFeed renders a committee's feed: recurring (one VEVENT per series
// with EXDATEs and overrides) or, with expand, one VEVENT per meeting from
// the first one until a year after the next.
func (s *Server) buildFeed(ctx context.Context, c *alesco.Committee, expand bool, st feedState) ([]byte, error) {
	f := s.feedBase(c)
	f.Expand = expand
	changes, held, err := s.store.MeetingOverlay(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var from, to time.Time
	for _, sr := range c.Series {
		if t := sr.First.Midnight(sr.Location); from.IsZero() || t.Before(from) {
			from = t
		}
		if !sr.Last.IsZero() {
			to = maxTime(to, sr.Last.AddDays(1).Midnight(sr.Location))
		}
	}
	for _, ch := range changes {
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
	for _, m := range c.Schedule(from, to, changes, held) {
		if !expand && m.SeriesID != "" && m.Status == alesco.MeetingScheduled && m.ID != st.next.ID {
			continue // the RRULE has it
		}
		e, err := s.event(ctx, c, m, st)
		if err != nil {
			return nil, err
		}
		f.Events = append(f.Events, e)
	}
	return calendar.Build(f)
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

const calendarType = "text/calendar; charset=utf-8"

// handleFeed serves GET /calendar/{committee}.ics[?expand=true].
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.httpError(w, r, alesco.Errorf(alesco.ENOTFOUND, "no such calendar %q: feeds are /calendar/{committee}.ics", r.PathValue("file")))
		return
	}
	c, err := s.committees.Get(id)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	var expand bool
	switch v := r.URL.Query().Get("expand"); strings.ToLower(v) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		expand = true
	default:
		s.httpError(w, r, alesco.Errorf(alesco.EINVALID, "bad expand=%q: want expand=true or leave it out", v))
		return
	}
	st, err := s.feedState(ctx, c)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	rep, err := s.cache.get(fmt.Sprintf("feed/%s/%t", c.ID, expand), st.version, func() (Rendered, error) {
		body, err := s.buildFeed(ctx, c, expand, st)
		return Rendered{Body: body, LastModified: st.lastModified, ContentType: calendarType}, err
	})
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `inline; filename="`+c.ID+`.ics"`)
	writeRendered(w, r, rep, feedMaxAge)
}

// handleMeetingICS serves GET /calendar/{committee}/{meeting_id}.ics: one
// meeting for "add to my calendar", kept (as CANCELLED) when cancelled.
func (s *Server) handleMeetingICS(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.httpError(w, r, alesco.Errorf(alesco.ENOTFOUND, "no such file %q: a meeting's calendar file is /calendar/{committee}/{meeting_id}.ics", r.PathValue("file")))
		return
	}
	c, m, err := s.meeting(ctx, id)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	if c.ID != r.PathValue("committee") {
		s.httpError(w, r, alesco.Errorf(alesco.ENOTFOUND, "meeting %s belongs to %s: see %s", id, c.ID, s.URL("/calendar/"+c.ID+"/"+id+".ics")))
		return
	}
	st, err := s.feedState(ctx, c)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	rep, err := s.cache.get("ics/"+id, st.version, func() (Rendered, error) {
		e, err := s.event(ctx, c, m, st)
		if err != nil {
			return Rendered{}, err
		}
		f := s.feedBase(c)
		f.Name = m.Title
		f.URL = s.URL("/calendar/" + c.ID + "/" + id + ".ics")
		f.Expand, f.KeepCancelled, f.Events = true, true, []calendar.Event{e}
		body, err := calendar.Build(f)
		return Rendered{Body: body, LastModified: st.lastModified, ContentType: calendarType}, err
	})
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.ics"`)
	writeRendered(w, r, rep, feedMaxAge)
}
