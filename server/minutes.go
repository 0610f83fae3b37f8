package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/protoconv"
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

var minutesCacheControl = cacheControlFor(minutesMaxAge)

func (s *minutesService) RecordAttendance(ctx context.Context, req *connect.Request[alescov1.RecordAttendanceRequest]) (*connect.Response[alescov1.RecordAttendanceResponse], error) {
	as, err := protoconv.Attendees(req.Msg.Attendees)
	if err != nil {
		return nil, err
	}
	c, m, err := s.app.RecordAttendance(ctx, req.Msg.MeetingId, as)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.RecordAttendanceResponse{Minutes: protoconv.MinutesProto(c, m)}), nil
}

func (s *minutesService) AddNote(ctx context.Context, req *connect.Request[alescov1.AddNoteRequest]) (*connect.Response[alescov1.AddNoteResponse], error) {
	n, err := s.app.AddNote(ctx, req.Msg.MeetingId, alesco.Note{Topic: req.Msg.Topic, Text: req.Msg.Text, ProposalNumber: int(req.Msg.ProposalNumber)})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AddNoteResponse{Note: protoconv.NoteProto(n)}), nil
}

func (s *minutesService) OpenMotion(ctx context.Context, req *connect.Request[alescov1.OpenMotionRequest]) (*connect.Response[alescov1.OpenMotionResponse], error) {
	mo, err := s.app.OpenMotion(ctx, req.Msg.MeetingId, req.Msg.Title, int(req.Msg.ProposalNumber))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.OpenMotionResponse{Motion: protoconv.MotionProto(mo)}), nil
}

func (s *minutesService) CastVote(ctx context.Context, req *connect.Request[alescov1.CastVoteRequest]) (*connect.Response[alescov1.CastVoteResponse], error) {
	value, err := protoconv.VoteFrom(req.Msg.Value)
	if err != nil {
		return nil, err
	}
	source, err := protoconv.VoteSourceFrom(req.Msg.Source)
	if err != nil {
		return nil, err
	}
	mo, err := s.app.CastVote(ctx, app.VoteRequest{MotionID: req.Msg.MotionId, MemberID: req.Msg.MemberId, Value: value,
		Source: source, ReferenceURL: req.Msg.ReferenceUrl})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CastVoteResponse{Motion: protoconv.MotionProto(mo)}), nil
}

func (s *minutesService) CastDecidingVote(ctx context.Context, req *connect.Request[alescov1.CastDecidingVoteRequest]) (*connect.Response[alescov1.CastDecidingVoteResponse], error) {
	var value *alesco.VoteValue
	if req.Msg.Value != alescov1.VoteValue_VOTE_VALUE_UNSPECIFIED {
		v, err := protoconv.VoteFrom(req.Msg.Value)
		if err != nil {
			return nil, err
		}
		value = &v
	}
	mo, err := s.app.CastDecidingVote(ctx, req.Msg.MotionId, req.Msg.MemberId, value)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CastDecidingVoteResponse{Motion: protoconv.MotionProto(mo)}), nil
}

func (s *minutesService) CloseMotion(ctx context.Context, req *connect.Request[alescov1.CloseMotionRequest]) (*connect.Response[alescov1.CloseMotionResponse], error) {
	override, err := protoconv.OutcomeFrom(req.Msg.OutcomeOverride)
	if err != nil {
		return nil, err
	}
	mo, err := s.app.CloseMotion(ctx, req.Msg.MotionId, override)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CloseMotionResponse{Motion: protoconv.MotionProto(mo)}), nil
}

func (s *minutesService) AddActionItem(ctx context.Context, req *connect.Request[alescov1.AddActionItemRequest]) (*connect.Response[alescov1.AddActionItemResponse], error) {
	a, err := s.app.AddActionItem(ctx, req.Msg.MeetingId, req.Msg.Owner, req.Msg.Text)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AddActionItemResponse{ActionItem: protoconv.ActionItemProto(a)}), nil
}

func (s *minutesService) CompleteActionItem(ctx context.Context, req *connect.Request[alescov1.CompleteActionItemRequest]) (*connect.Response[alescov1.CompleteActionItemResponse], error) {
	a, err := s.app.CompleteActionItem(ctx, req.Msg.ActionItemId)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CompleteActionItemResponse{ActionItem: protoconv.ActionItemProto(a)}), nil
}

func (s *minutesService) FinalizeMinutes(ctx context.Context, req *connect.Request[alescov1.FinalizeMinutesRequest]) (*connect.Response[alescov1.FinalizeMinutesResponse], error) {
	c, m, err := s.app.FinalizeMinutes(ctx, req.Msg.MeetingId, req.Msg.RecordedBy, req.Msg.EditedBy)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.FinalizeMinutesResponse{Minutes: protoconv.MinutesProto(c, m)}), nil
}

func (s *minutesService) AmendMinutes(ctx context.Context, req *connect.Request[alescov1.AmendMinutesRequest]) (*connect.Response[alescov1.AmendMinutesResponse], error) {
	c, m, am, err := s.app.AmendMinutes(ctx, req.Msg.MeetingId, req.Msg.Reason, req.Msg.Markdown)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AmendMinutesResponse{Minutes: protoconv.MinutesProto(c, m), Summary: protoconv.AmendmentProto(am)}), nil
}

func (s *minutesService) ImportMinutes(ctx context.Context, req *connect.Request[alescov1.ImportMinutesRequest]) (*connect.Response[alescov1.ImportMinutesResponse], error) {
	r, err := s.app.ImportMinutes(ctx, req.Msg.CommitteeId, req.Msg.FileName, []byte(req.Msg.Markdown))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.ImportMinutesResponse{Result: &alescov1.ImportResult{
		File: r.File, MeetingId: r.MeetingID, Date: r.Date, MembersPresent: r.MembersPresent, MembersAbsent: r.MembersAbsent,
		RosterSize: int32(r.RosterSize), QuorumRequired: int32(r.QuorumRequired), QuorumMet: r.QuorumMet,
		Decisions: r.Decisions, Warnings: r.Warnings, Changed: r.Changed,
	}}), nil
}

func (s *minutesService) GetMinutes(ctx context.Context, req *connect.Request[alescov1.GetMinutesRequest]) (*connect.Response[alescov1.GetMinutesResponse], error) {
	return cachedRead(s.Server, v1.MinutesServiceGetMinutesProcedure, req, func() (*alescov1.GetMinutesResponse, time.Time, error) {
		c, m, err := s.app.GetMinutes(ctx, req.Msg.MeetingId)
		if err != nil {
			return nil, time.Time{}, err
		}
		return &alescov1.GetMinutesResponse{Minutes: protoconv.MinutesProto(c, m)}, time.Time{}, nil
	})
}

func (s *minutesService) ListMinutes(ctx context.Context, req *connect.Request[alescov1.ListMinutesRequest]) (*connect.Response[alescov1.ListMinutesResponse], error) {
	q := alesco.MinutesQuery{PageSize: int(req.Msg.PageSize), PageToken: req.Msg.PageToken}
	var err error
	if q.From, err = optionalDate("from_date", req.Msg.FromDate); err != nil {
		return nil, err
	}
	if q.To, err = optionalDate("to_date", req.Msg.ToDate); err != nil {
		return nil, err
	}
	return cachedRead(s.Server, v1.MinutesServiceListMinutesProcedure, req, func() (*alescov1.ListMinutesResponse, time.Time, error) {
		c, page, next, err := s.app.ListMinutesPage(ctx, req.Msg.CommitteeId, q)
		if err != nil {
			return nil, time.Time{}, err
		}
		out := &alescov1.ListMinutesResponse{NextPageToken: next}
		for _, m := range page {
			out.Minutes = append(out.Minutes, protoconv.MinutesSummary(c, m))
		}
		return out, time.Time{}, nil
	})
}

// optionalDate reads a YYYY-MM-DD field; empty is the zero date.
func optionalDate(field, s string) (alesco.Date, error) {
	if s == "" {
		return alesco.Date{}, nil
	}
	d, err := alesco.ParseDate(s)
	if err != nil {
		return d, alesco.Errorf(alesco.EINVALID, "bad %s %q: want YYYY-MM-DD", field, s)
	}
	return d, nil
}

// SearchMinutes finds notes, decisions, action items and proposals.
func (s *minutesService) SearchMinutes(ctx context.Context, req *connect.Request[alescov1.SearchMinutesRequest]) (*connect.Response[alescov1.SearchMinutesResponse], error) {
	c, hits, err := s.app.SearchMinutes(ctx, req.Msg.CommitteeId, req.Msg.Query, int(req.Msg.PageSize))
	if err != nil {
		return nil, err
	}
	out := &alescov1.SearchMinutesResponse{}
	for _, h := range hits {
		out.Results = append(out.Results, protoconv.SearchResultProto(h, s.app.HitURL(c, h)))
	}
	return respond(req, out, "")
}

// handleMinutesMarkdown serves GET /minutes/{meeting_id}.md.
func (s *Server) handleMinutesMarkdown(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".md")
	if !ok {
		http.NotFound(w, r)
		return
	}
	rep, err := s.keep("minutes.md/"+id, func() (app.Document, error) { return s.app.MinutesMarkdown(r.Context(), id) })
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	writeRendered(w, r, rep, minutesCacheControl)
}
