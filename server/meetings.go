package server

import (
	"context"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/protoconv"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// meetingService implements MeetingService.
type meetingService struct {
	*Server
	v1.UnimplementedMeetingServiceHandler
}

func (s *meetingService) ListMeetings(ctx context.Context, req *connect.Request[alescov1.ListMeetingsRequest]) (*connect.Response[alescov1.ListMeetingsResponse], error) {
	var from, to time.Time
	if req.Msg.StartTime != nil {
		from = req.Msg.StartTime.AsTime()
	}
	if req.Msg.EndTime != nil {
		to = req.Msg.EndTime.AsTime()
	}
	return cachedRead(s.Server, v1.MeetingServiceListMeetingsProcedure, req, func() (*alescov1.ListMeetingsResponse, time.Time, error) {
		c, ms, err := s.app.ListMeetings(ctx, req.Msg.CommitteeId, from, to)
		if err != nil {
			return nil, time.Time{}, err
		}
		out := &alescov1.ListMeetingsResponse{}
		for _, m := range ms {
			out.Meetings = append(out.Meetings, s.meetingProto(m))
		}
		return out, nextDay(c, s.app.Now()), nil
	})
}

// nextDay is when a committee's calendar moves on by a day: the default
// listing window starts today and the horizon ends two years on.
func nextDay(c *alesco.Committee, now time.Time) time.Time {
	return c.Today(now).AddDays(1).Midnight(c.Location)
}

func (s *meetingService) GetMeeting(ctx context.Context, req *connect.Request[alescov1.GetMeetingRequest]) (*connect.Response[alescov1.GetMeetingResponse], error) {
	return cachedRead(s.Server, v1.MeetingServiceGetMeetingProcedure, req, func() (*alescov1.GetMeetingResponse, time.Time, error) {
		m, err := s.app.GetMeeting(ctx, req.Msg.MeetingId)
		if err != nil {
			return nil, time.Time{}, err
		}
		return &alescov1.GetMeetingResponse{Meeting: s.meetingProto(m)}, time.Time{}, nil
	})
}

func (s *meetingService) GetNextMeeting(ctx context.Context, req *connect.Request[alescov1.GetNextMeetingRequest]) (*connect.Response[alescov1.GetNextMeetingResponse], error) {
	return cachedRead(s.Server, v1.MeetingServiceGetNextMeetingProcedure, req, func() (*alescov1.GetNextMeetingResponse, time.Time, error) {
		m, err := s.app.NextMeeting(ctx, req.Msg.CommitteeId)
		if err != nil {
			return nil, time.Time{}, err
		}
		// Once it ends, another meeting is next.
		return &alescov1.GetNextMeetingResponse{Meeting: s.meetingProto(m)}, m.End, nil
	})
}

func (s *meetingService) CancelMeeting(ctx context.Context, req *connect.Request[alescov1.CancelMeetingRequest]) (*connect.Response[alescov1.CancelMeetingResponse], error) {
	m, err := s.app.CancelMeeting(ctx, req.Msg.MeetingId, req.Msg.Reason)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.CancelMeetingResponse{Meeting: s.meetingProto(m)}), nil
}

func (s *meetingService) RescheduleMeeting(ctx context.Context, req *connect.Request[alescov1.RescheduleMeetingRequest]) (*connect.Response[alescov1.RescheduleMeetingResponse], error) {
	start, err := requiredTime("start_time", req.Msg.StartTime, "when should meeting "+req.Msg.MeetingId+" take place?")
	if err != nil {
		return nil, err
	}
	m, err := s.app.MoveMeeting(ctx, req.Msg.MeetingId, start)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.RescheduleMeetingResponse{Meeting: s.meetingProto(m)}), nil
}

func (s *meetingService) AddMeeting(ctx context.Context, req *connect.Request[alescov1.AddMeetingRequest]) (*connect.Response[alescov1.AddMeetingResponse], error) {
	if _, err := s.app.Committee(ctx, req.Msg.CommitteeId); err != nil {
		return nil, err
	}
	start, err := requiredTime("start_time", req.Msg.StartTime, "when should the meeting take place?")
	if err != nil {
		return nil, err
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
	m, err := s.app.AddMeeting(ctx, req.Msg.CommitteeId, start, d, req.Msg.Title, alesco.Place{Venue: req.Msg.Location, JoinURL: req.Msg.JoinUrl})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.AddMeetingResponse{Meeting: s.meetingProto(m)}), nil
}

// requiredTime reads a timestamp a request must carry.
func requiredTime(field string, t *timestamppb.Timestamp, question string) (time.Time, error) {
	if t == nil {
		return time.Time{}, alesco.Errorf(alesco.EINVALID, "%s is required: %s", field, question)
	}
	if err := t.CheckValid(); err != nil {
		return time.Time{}, alesco.Errorf(alesco.EINVALID, "bad %s: %v", field, err)
	}
	return t.AsTime(), nil
}

func (s *Server) meetingProto(m alesco.Meeting) *alescov1.Meeting {
	return protoconv.MeetingProto(m, s.app.Links(m))
}
