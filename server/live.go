package server

import (
	"context"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/live"
	"github.com/almalinux/alesco/protoconv"
)

// The RPCs of a meeting run live: attendance one person at a time, and the
// command language itself (the terminal's way in; chat runs the same
// language in-process).

func (s *minutesService) ChangeAttendance(ctx context.Context, req *connect.Request[alescov1.ChangeAttendanceRequest]) (*connect.Response[alescov1.ChangeAttendanceResponse], error) {
	act, err := protoconv.AttendanceActionFrom(req.Msg.Action)
	if err != nil {
		return nil, err
	}
	c, m, res, err := s.app.ChangeAttendance(ctx, req.Msg.MeetingId, alesco.AttendanceChange{Action: act, Who: req.Msg.Who})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.ChangeAttendanceResponse{Minutes: protoconv.MinutesProto(c, m), Names: res.Names, Unchanged: res.Unchanged,
		QuorumLost: res.QuorumLost(), QuorumReached: res.QuorumReached()}), nil
}

func (s *minutesService) RunCommand(ctx context.Context, req *connect.Request[alescov1.RunCommandRequest]) (*connect.Response[alescov1.RunCommandResponse], error) {
	if req.Msg.MeetingId == "" {
		return nil, alesco.Errorf(alesco.EINVALID, "meeting_id is required, e.g. alesco-2026-12-03")
	}
	res, err := s.app.RunOnce(ctx, req.Msg.MeetingId, req.Msg.CommandId, func(ctx context.Context) (string, error) {
		return live.Run(ctx, s.app, req.Msg.MeetingId, req.Msg.Line)
	})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.RunCommandResponse{Reply: res.Reply, Replayed: res.Replayed}), nil
}

// untilShutdown returns ctx cancelled when the server starts shutting
// down too, so that open streams end and let the shutdown finish.
func (s *Server) untilShutdown(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-s.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
