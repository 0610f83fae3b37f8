package server

import (
	"context"

	"github.com/almalinux/alesco/protoconv"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
)

type committeeService struct{ *Server }

func (s *committeeService) ListCommittees(ctx context.Context, req *connect.Request[alescov1.ListCommitteesRequest]) (*connect.Response[alescov1.ListCommitteesResponse], error) {
	cs, err := s.app.ListCommittees(ctx)
	if err != nil {
		return nil, err
	}
	out := &alescov1.ListCommitteesResponse{}
	for _, c := range cs {
		out.Committees = append(out.Committees, protoconv.CommitteeProto(c, c.Today(s.app.Now())))
	}
	return respond(req, out, "")
}

func (s *committeeService) GetCommittee(ctx context.Context, req *connect.Request[alescov1.GetCommitteeRequest]) (*connect.Response[alescov1.GetCommitteeResponse], error) {
	c, err := s.app.Committee(ctx, req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	return respond(req, &alescov1.GetCommitteeResponse{Committee: protoconv.CommitteeProto(c, c.Today(s.app.Now()))}, "")
}

func (s *committeeService) WhoAmI(ctx context.Context, req *connect.Request[alescov1.WhoAmIRequest]) (*connect.Response[alescov1.WhoAmIResponse], error) {
	p, name, err := s.app.WhoAmI(ctx)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.WhoAmIResponse{Role: string(p.Role), CommitteeId: p.CommitteeID, MemberId: p.MemberID, MemberName: name, Name: p.Name}), nil
}
