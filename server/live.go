package server

import (
	"context"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
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
	reply, err := live.Run(ctx, s.app, req.Msg.MeetingId, req.Msg.Line)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.RunCommandResponse{Reply: reply}), nil
}

func (s *minutesService) WatchMinutes(ctx context.Context, req *connect.Request[alescov1.WatchMinutesRequest], stream *connect.ServerStream[alescov1.WatchMinutesResponse]) error {
	if req.Msg.MeetingId == "" {
		return alesco.Errorf(alesco.EINVALID, "meeting_id is required, e.g. alesco-2026-12-03")
	}
	if s.metrics != nil {
		defer s.metrics.WatchStream()()
	}
	ctx, cancel := s.untilShutdown(ctx)
	defer cancel()
	return s.app.WatchMinutes(ctx, req.Msg.MeetingId, func(c *alesco.Committee, m *alesco.Minutes) error {
		return stream.Send(&alescov1.WatchMinutesResponse{Minutes: protoconv.MinutesProto(c, m)})
	})
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

// liftStreamTimeouts lifts the server's write timeout for the streams that
// stay open while a meeting runs (WatchMinutes): it bounds ordinary
// requests, and would cut a watcher off after two minutes. The request
// itself is still due within the body timeout (the guard's frameReader
// lifts the read deadline once it is in).
func liftStreamTimeouts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == v1.MinutesServiceWatchMinutesProcedure {
			// An error means the writer cannot change deadlines (a test
			// recorder): there is no timeout to lift then.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		}
		next.ServeHTTP(w, r)
	})
}
