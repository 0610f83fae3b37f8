package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/minutes"
	"github.com/almalinux/alesco/sqlite"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// minutesService implements MinutesService.
//
// Deciding votes: the chair on the meeting's date casts the deciding vote
// on a tie, or a member the chair designates. A designation is recorded by
// a staff token (chair, secretary, admin) calling CastDecidingVote with
// member_id set and value UNSPECIFIED; that member's own member token may
// then cast it. A staff call with member_id and a value records the
// deciding vote for that member and the designation with it. Any other
// member token gets PermissionDenied.
type minutesService struct {
	*Server
	v1.UnimplementedMinutesServiceHandler
}

// minutesMaxAge is how long clients may cache GET /minutes/{id}.md.
const minutesMaxAge = 5 * time.Minute

// meetingRef resolves a meeting id to the committee and the store's
// reference, refusing cancelled meetings.
func (s *Server) meetingRef(ctx context.Context, id string) (*alesco.Committee, sqlite.MeetingRef, error) {
	c, m, err := s.meeting(ctx, id)
	if err != nil {
		return nil, sqlite.MeetingRef{}, err
	}
	if m.Status == alesco.MeetingCancelled {
		return nil, sqlite.MeetingRef{}, alesco.Errorf(alesco.EPRECONDITION, "meeting %s was cancelled (%s): it has no minutes", id, m.CancelReason)
	}
	return c, sqlite.MeetingRef{ID: m.ID, CommitteeID: c.ID, Date: m.LocalDate(), Start: m.Start}, nil
}

func (s *Server) committeeOfMotion(ctx context.Context, id int64) (*alesco.Committee, error) {
	cid, err := s.store.CommitteeOfMotion(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.committees.Get(cid)
}

func (s *minutesService) RecordAttendance(ctx context.Context, req *connect.Request[alescov1.RecordAttendanceRequest]) (*connect.Response[alescov1.RecordAttendanceResponse], error) {
	c, ref, err := s.meetingRef(ctx, req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	var as []alesco.Attendee
	for _, a := range req.Msg.Attendees {
		as = append(as, alesco.Attendee{Kind: attendeeKind(a.Kind), MemberID: a.MemberId, Name: a.Name, Absent: a.Absent, Note: a.Note})
	}
	m, err := s.store.RecordAttendance(ctx, c, ref, as)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.RecordAttendanceResponse{Minutes: MinutesProto(c, m)}), nil
}

func (s *minutesService) AddNote(ctx context.Context, req *connect.Request[alescov1.AddNoteRequest]) (*connect.Response[alescov1.AddNoteResponse], error) {
	_, ref, err := s.meetingRef(ctx, req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	n, err := s.store.AddNote(ctx, ref, alesco.Note{Topic: req.Msg.Topic, Text: req.Msg.Text, ProposalNumber: int(req.Msg.ProposalNumber)})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AddNoteResponse{Note: noteProto(n)}), nil
}

func (s *minutesService) OpenMotion(ctx context.Context, req *connect.Request[alescov1.OpenMotionRequest]) (*connect.Response[alescov1.OpenMotionResponse], error) {
	c, ref, err := s.meetingRef(ctx, req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	mo, err := s.store.OpenMotion(ctx, c, ref, req.Msg.Title, int(req.Msg.ProposalNumber))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.OpenMotionResponse{Motion: motionProto(mo)}), nil
}

func (s *minutesService) CastVote(ctx context.Context, req *connect.Request[alescov1.CastVoteRequest]) (*connect.Response[alescov1.CastVoteResponse], error) {
	c, err := s.committeeOfMotion(ctx, req.Msg.MotionId)
	if err != nil {
		return nil, err
	}
	value, err := voteValue(req.Msg.Value)
	if err != nil {
		return nil, err
	}
	v := alesco.Vote{MemberID: req.Msg.MemberId, Value: value, Source: alesco.VoteLive, ReferenceURL: strings.TrimSpace(req.Msg.ReferenceUrl)}
	if req.Msg.Source == alescov1.VoteSource_VOTE_SOURCE_ASYNC {
		v.Source = alesco.VoteAsync
	}
	p, _ := alesco.PrincipalFrom(ctx)
	if p.Role == alesco.RoleMember {
		// The interceptor has checked that a named member_id is the token's own.
		v.MemberID = p.MemberID
		if v.Source == alesco.VoteAsync {
			return nil, alesco.Errorf(alesco.EFORBIDDEN, "a member token votes live; the chair or secretary records async votes")
		}
	}
	if v.MemberID == "" {
		return nil, alesco.Errorf(alesco.EINVALID, "member_id is required: whose vote is it?")
	}
	if v.Source == alesco.VoteAsync {
		if u, err := url.Parse(v.ReferenceURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, alesco.Errorf(alesco.EINVALID, "an async vote needs reference_url: the http(s) link where it was cast")
		}
	}
	mo, err := s.store.CastVote(ctx, c, req.Msg.MotionId, v)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CastVoteResponse{Motion: motionProto(mo)}), nil
}

func (s *minutesService) CastDecidingVote(ctx context.Context, req *connect.Request[alescov1.CastDecidingVoteRequest]) (*connect.Response[alescov1.CastDecidingVoteResponse], error) {
	c, err := s.committeeOfMotion(ctx, req.Msg.MotionId)
	if err != nil {
		return nil, err
	}
	p, _ := alesco.PrincipalFrom(ctx)
	member, self := req.Msg.MemberId, false
	if p.Role == alesco.RoleMember {
		member, self = p.MemberID, true
	}
	var mo *alesco.Motion
	if req.Msg.Value == alescov1.VoteValue_VOTE_VALUE_UNSPECIFIED {
		if self || member == "" {
			return nil, alesco.Errorf(alesco.EINVALID, "value is required (+1 or -1); a chair designates a member by sending member_id without a value")
		}
		mo, err = s.store.DesignateDecider(ctx, c, req.Msg.MotionId, member)
	} else {
		value, verr := voteValue(req.Msg.Value)
		if verr != nil {
			return nil, verr
		}
		mo, err = s.store.CastDecidingVote(ctx, c, req.Msg.MotionId, member, value, self)
	}
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CastDecidingVoteResponse{Motion: motionProto(mo)}), nil
}

func (s *minutesService) CloseMotion(ctx context.Context, req *connect.Request[alescov1.CloseMotionRequest]) (*connect.Response[alescov1.CloseMotionResponse], error) {
	c, err := s.committeeOfMotion(ctx, req.Msg.MotionId)
	if err != nil {
		return nil, err
	}
	override := outcomeOf(req.Msg.OutcomeOverride)
	if override == alesco.OutcomePassed || override == alesco.OutcomeRejected || override == alesco.OutcomeTied {
		if p, _ := alesco.PrincipalFrom(ctx); p.Role != alesco.RoleChair && p.Role != alesco.RoleAdmin {
			return nil, alesco.Errorf(alesco.EFORBIDDEN, "only the chair overrides an outcome; a %s may table or punt a motion", p.Role)
		}
	}
	mo, err := s.store.CloseMotion(ctx, c, req.Msg.MotionId, override)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CloseMotionResponse{Motion: motionProto(mo)}), nil
}

func (s *minutesService) AddActionItem(ctx context.Context, req *connect.Request[alescov1.AddActionItemRequest]) (*connect.Response[alescov1.AddActionItemResponse], error) {
	_, ref, err := s.meetingRef(ctx, req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	a, err := s.store.AddActionItem(ctx, ref, req.Msg.Owner, req.Msg.Text)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AddActionItemResponse{ActionItem: actionItemProto(a)}), nil
}

func (s *minutesService) CompleteActionItem(ctx context.Context, req *connect.Request[alescov1.CompleteActionItemRequest]) (*connect.Response[alescov1.CompleteActionItemResponse], error) {
	a, err := s.store.CompleteActionItem(ctx, req.Msg.ActionItemId)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CompleteActionItemResponse{ActionItem: actionItemProto(a)}), nil
}

func (s *minutesService) FinalizeMinutes(ctx context.Context, req *connect.Request[alescov1.FinalizeMinutesRequest]) (*connect.Response[alescov1.FinalizeMinutesResponse], error) {
	c, _, _, err := s.committees.ParseMeetingID(req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	m, err := s.store.FinalizeMinutes(ctx, c, req.Msg.MeetingId, req.Msg.RecordedBy, req.Msg.EditedBy)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.FinalizeMinutesResponse{Minutes: MinutesProto(c, m)}), nil
}

func (s *minutesService) AmendMinutes(ctx context.Context, req *connect.Request[alescov1.AmendMinutesRequest]) (*connect.Response[alescov1.AmendMinutesResponse], error) {
	c, d, _, err := s.committees.ParseMeetingID(req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	var replacement *alesco.Minutes
	if strings.TrimSpace(req.Msg.Markdown) != "" {
		parsed, _, err := minutes.Parse(c, req.Msg.MeetingId+".md", []byte(req.Msg.Markdown))
		if err != nil {
			return nil, err
		}
		if existing, found, err := s.store.Minutes(ctx, req.Msg.MeetingId); err != nil {
			return nil, err
		} else if found && parsed.Date != existing.Date && parsed.Date != d {
			return nil, alesco.Errorf(alesco.EINVALID, "the amended text is dated %s, but meeting %s was on %s", parsed.Date, req.Msg.MeetingId, existing.Date)
		}
		replacement = parsed
	}
	m, err := s.store.AmendMinutes(ctx, c, req.Msg.MeetingId, req.Msg.Reason, replacement)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AmendMinutesResponse{Minutes: MinutesProto(c, m)}), nil
}

func (s *minutesService) ImportMinutes(ctx context.Context, req *connect.Request[alescov1.ImportMinutesRequest]) (*connect.Response[alescov1.ImportMinutesResponse], error) {
	r, err := s.Server.ImportMinutes(ctx, req.Msg.CommitteeId, req.Msg.FileName, []byte(req.Msg.Markdown))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.ImportMinutesResponse{Result: &alescov1.ImportResult{
		File: r.File, MeetingId: r.MeetingID, Date: r.Date, MembersPresent: r.MembersPresent, MembersAbsent: r.MembersAbsent,
		RosterSize: int32(r.RosterSize), QuorumRequired: int32(r.QuorumRequired), QuorumMet: r.QuorumMet,
		Decisions: r.Decisions, Warnings: r.Warnings, Changed: r.Changed,
	}}), nil
}

// ImportMinutes imports one wiki Markdown file into a committee's minutes
// (the RPC and `alesco minutes import` both use it). A date that is no
// occurrence of a configured series becomes an added meeting on that date,
// at the first series' time (12:00 local without a series). Importing the
// same file twice changes nothing.
func (s *Server) ImportMinutes(ctx context.Context, committeeID, file string, data []byte) (minutes.ImportResult, error) {
	c, err := s.committees.Get(committeeID)
	if err != nil {
		return minutes.ImportResult{}, err
	}
	if file == "" {
		file = "minutes.md"
	}
	parsed, warnings, err := minutes.Parse(c, file, data)
	if err != nil {
		return minutes.ImportResult{}, err
	}
	res := minutes.Summarize(c, file, parsed, warnings)
	_, m, err := s.meeting(ctx, parsed.MeetingID)
	if alesco.ErrorCode(err) == alesco.ENOTFOUND {
		hour, minute := 12, 0
		if len(c.Series) > 0 {
			hour, minute = c.Series[0].Hour, c.Series[0].Minute
		}
		start := parsed.Date.At(hour, minute, c.Location)
		_, err = s.store.SaveMeetingChange(ctx, alesco.MeetingChange{
			MeetingID: parsed.MeetingID, CommitteeID: c.ID, Kind: alesco.ChangeAdd, OriginalStart: start,
			Start: start, End: start.Add(c.DefaultDuration()), Title: c.ShortName + " meeting",
			Reason: "minutes imported from " + file,
		})
		if err != nil {
			return res, err
		}
		res.Warnings = append(res.Warnings, "no configured meeting on "+parsed.Date.String()+": added one")
		_, m, err = s.meeting(ctx, parsed.MeetingID)
	}
	if err != nil {
		return res, err
	}
	if m.Status == alesco.MeetingCancelled {
		res.Warnings = append(res.Warnings, "meeting "+m.ID+" is marked cancelled, but minutes exist for it")
	}
	ref := sqlite.MeetingRef{ID: m.ID, CommitteeID: c.ID, Date: parsed.Date, Start: m.Start}
	res.Changed, err = s.store.ImportMinutes(ctx, c, ref, parsed, file)
	return res, err
}

func (s *minutesService) GetMinutes(ctx context.Context, req *connect.Request[alescov1.GetMinutesRequest]) (*connect.Response[alescov1.GetMinutesResponse], error) {
	c, _, _, err := s.committees.ParseMeetingID(req.Msg.MeetingId)
	if err != nil {
		return nil, err
	}
	version, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := s.cache.get("minutes.proto/"+req.Msg.MeetingId, version, func() (Rendered, error) {
		m, found, err := s.store.Minutes(ctx, req.Msg.MeetingId)
		if err != nil {
			return Rendered{}, err
		}
		if !found {
			return Rendered{}, alesco.Errorf(alesco.ENOTFOUND, "meeting %s has no minutes", req.Msg.MeetingId)
		}
		body, err := proto.MarshalOptions{Deterministic: true}.Marshal(MinutesProto(c, m))
		return Rendered{Body: body}, err
	})
	if err != nil {
		return nil, err
	}
	resp := connect.NewResponse(&alescov1.GetMinutesResponse{Minutes: &alescov1.Minutes{}})
	if err := checkNotModified(req.Header(), resp.Header(), rep.ETag); err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(rep.Body, resp.Msg.Minutes); err != nil {
		return nil, err
	}
	return resp, nil
}

func (s *minutesService) ListMinutes(ctx context.Context, req *connect.Request[alescov1.ListMinutesRequest]) (*connect.Response[alescov1.ListMinutesResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	all, err := s.store.ListMinutes(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := &alescov1.ListMinutesResponse{}
	for _, m := range all {
		q, present := m.Quorum(c)
		sum := &alescov1.MinutesSummary{MeetingId: m.MeetingID, Date: m.Date.String(), Status: minutesStatus(m.Status),
			MembersPresent: int32(present), RosterSize: int32(q.RosterSize), QuorumMet: q.Met(present)}
		for _, d := range m.Decisions {
			sum.Decisions = append(sum.Decisions, d.Text)
		}
		out.Minutes = append(out.Minutes, sum)
	}
	return connect.NewResponse(out), nil
}

// handleMinutesMarkdown serves GET /minutes/{meeting_id}.md.
func (s *Server) handleMinutesMarkdown(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".md")
	if !ok {
		http.NotFound(w, r)
		return
	}
	c, _, _, err := s.committees.ParseMeetingID(id)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	version, err := s.store.DataVersion(r.Context())
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	rep, err := s.cache.get("minutes.md/"+id, version, func() (Rendered, error) {
		m, found, err := s.store.Minutes(r.Context(), id)
		if err != nil {
			return Rendered{}, err
		}
		if !found {
			return Rendered{}, alesco.Errorf(alesco.ENOTFOUND, "meeting %s has no minutes", id)
		}
		return Rendered{Body: []byte(minutes.Text(c, m)), LastModified: m.Finalized, ContentType: "text/markdown; charset=utf-8"}, nil
	})
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	writeRendered(w, r, rep, minutesMaxAge)
}

// MinutesProto converts minutes to their API form, with the roster and
// quorum on the meeting's date.
func MinutesProto(c *alesco.Committee, m *alesco.Minutes) *alescov1.Minutes {
	q, present := m.Quorum(c)
	out := &alescov1.Minutes{
		MeetingId: m.MeetingID, CommitteeId: m.CommitteeID, Date: m.Date.String(), Status: minutesStatus(m.Status),
		Revision: int32(m.Revision), RecordedBy: m.RecordedBy, EditedBy: m.EditedBy,
		RosterSize: int32(q.RosterSize), QuorumRequired: int32(q.Required), MembersPresent: int32(present), QuorumMet: q.Met(present),
		Markdown: minutes.Text(c, m), FinalizedTime: ts(m.Finalized),
	}
	for _, a := range m.Attendees {
		out.Attendees = append(out.Attendees, &alescov1.Attendee{Kind: attendeeKindProto(a.Kind), MemberId: a.MemberID, Name: a.Name, Absent: a.Absent, Note: a.Note})
	}
	for _, d := range m.Decisions {
		out.Decisions = append(out.Decisions, &alescov1.Decision{Text: d.Text, Details: d.Details, MotionId: d.MotionID,
			ProposalNumber: int32(d.ProposalNumber), Outcome: outcomeProto(d.Outcome)})
	}
	for _, n := range m.Notes {
		out.Notes = append(out.Notes, noteProto(n))
	}
	for i := range m.Motions {
		out.Motions = append(out.Motions, motionProto(&m.Motions[i]))
	}
	for _, a := range m.ActionItems {
		out.ActionItems = append(out.ActionItems, actionItemProto(a))
	}
	for _, r := range m.Revisions {
		out.Revisions = append(out.Revisions, &alescov1.MinutesRevision{Revision: int32(r.Revision), Reason: r.Reason, Markdown: r.Markdown, FinalizedTime: ts(r.Finalized)})
	}
	return out
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func noteProto(n alesco.Note) *alescov1.Note {
	return &alescov1.Note{Id: n.ID, Topic: n.Topic, ProposalNumber: int32(n.ProposalNumber), Text: n.Text}
}

func actionItemProto(a alesco.ActionItem) *alescov1.ActionItem {
	return &alescov1.ActionItem{Id: a.ID, MeetingId: a.MeetingID, Owner: a.Owner, Text: a.Text, Done: a.Done, CompletedTime: ts(a.Completed)}
}

func motionProto(m *alesco.Motion) *alescov1.Motion {
	t := m.Tally()
	out := &alescov1.Motion{
		Id: m.ID, MeetingId: m.MeetingID, Title: m.Title, ProposalNumber: int32(m.ProposalNumber),
		Status: alescov1.MotionStatus_MOTION_STATUS_OPEN, Outcome: outcomeProto(m.Outcome), Unanimous: m.Unanimous,
		Tally:      &alescov1.Tally{Yes: int32(t.Yes), Abstain: int32(t.Abstain), No: int32(t.No)},
		OpenedTime: ts(m.Opened), ClosedTime: ts(m.Closed),
	}
	if m.Status == alesco.MotionClosed {
		out.Status = alescov1.MotionStatus_MOTION_STATUS_CLOSED
	}
	for _, v := range m.Votes {
		out.Votes = append(out.Votes, voteProto(v))
	}
	if m.Deciding != nil {
		out.DecidingVote = voteProto(*m.Deciding)
	}
	return out
}

func voteProto(v alesco.Vote) *alescov1.Vote {
	out := &alescov1.Vote{MemberId: v.MemberID, MemberName: v.MemberName, ReferenceUrl: v.ReferenceURL, CastTime: ts(v.Cast),
		Source: alescov1.VoteSource_VOTE_SOURCE_LIVE}
	if v.Source == alesco.VoteAsync {
		out.Source = alescov1.VoteSource_VOTE_SOURCE_ASYNC
	}
	switch v.Value {
	case alesco.VoteYes:
		out.Value = alescov1.VoteValue_VOTE_VALUE_YES
	case alesco.VoteNo:
		out.Value = alescov1.VoteValue_VOTE_VALUE_NO
	default:
		out.Value = alescov1.VoteValue_VOTE_VALUE_ABSTAIN
	}
	return out
}

func voteValue(v alescov1.VoteValue) (alesco.VoteValue, error) {
	switch v {
	case alescov1.VoteValue_VOTE_VALUE_YES:
		return alesco.VoteYes, nil
	case alescov1.VoteValue_VOTE_VALUE_ABSTAIN:
		return alesco.VoteAbstain, nil
	case alescov1.VoteValue_VOTE_VALUE_NO:
		return alesco.VoteNo, nil
	}
	return 0, alesco.Errorf(alesco.EINVALID, "value is required: YES (+1), ABSTAIN (0) or NO (-1)")
}

var outcomes = map[alesco.MotionOutcome]alescov1.MotionOutcome{
	alesco.OutcomeNone:     alescov1.MotionOutcome_MOTION_OUTCOME_UNSPECIFIED,
	alesco.OutcomePassed:   alescov1.MotionOutcome_MOTION_OUTCOME_PASSED,
	alesco.OutcomeRejected: alescov1.MotionOutcome_MOTION_OUTCOME_REJECTED,
	alesco.OutcomeTied:     alescov1.MotionOutcome_MOTION_OUTCOME_TIED,
	alesco.OutcomeTabled:   alescov1.MotionOutcome_MOTION_OUTCOME_TABLED,
	alesco.OutcomePunted:   alescov1.MotionOutcome_MOTION_OUTCOME_PUNTED,
}

func outcomeProto(o alesco.MotionOutcome) alescov1.MotionOutcome { return outcomes[o] }

func outcomeOf(o alescov1.MotionOutcome) alesco.MotionOutcome {
	for k, v := range outcomes {
		if v == o {
			return k
		}
	}
	return alesco.MotionOutcome("unknown")
}

func minutesStatus(s alesco.MinutesStatus) alescov1.MinutesStatus {
	if s == alesco.MinutesFinal {
		return alescov1.MinutesStatus_MINUTES_STATUS_FINAL
	}
	return alescov1.MinutesStatus_MINUTES_STATUS_DRAFT
}

func attendeeKind(k alescov1.AttendeeKind) alesco.AttendeeKind {
	switch k {
	case alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER:
		return alesco.AttendeeMember
	case alescov1.AttendeeKind_ATTENDEE_KIND_BOARD:
		return alesco.AttendeeBoard
	case alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY:
		return alesco.AttendeeCommunity
	}
	return ""
}

func attendeeKindProto(k alesco.AttendeeKind) alescov1.AttendeeKind {
	switch k {
	case alesco.AttendeeMember:
		return alescov1.AttendeeKind_ATTENDEE_KIND_MEMBER
	case alesco.AttendeeBoard:
		return alescov1.AttendeeKind_ATTENDEE_KIND_BOARD
	case alesco.AttendeeCommunity:
		return alescov1.AttendeeKind_ATTENDEE_KIND_COMMUNITY
	}
	return alescov1.AttendeeKind_ATTENDEE_KIND_UNSPECIFIED
}
