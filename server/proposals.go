package server

import (
	"context"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/protoconv"
)

// proposalService implements ProposalService.
type proposalService struct {
	*Server
	v1.UnimplementedProposalServiceHandler
}

// ListProposals lists tracked proposals as last synced, with when that was
// and the last sync's error, so a page can say how fresh it is.
func (s *proposalService) ListProposals(ctx context.Context, req *connect.Request[alescov1.ListProposalsRequest]) (*connect.Response[alescov1.ListProposalsResponse], error) {
	states := make([]alesco.ProposalState, 0, len(req.Msg.States))
	for _, st := range req.Msg.States {
		ps, err := protoconv.ProposalStateFrom(st)
		if err != nil {
			return nil, err
		}
		states = append(states, ps)
	}
	return cachedRead(s.Server, v1.ProposalServiceListProposalsProcedure, req, func() (*alescov1.ListProposalsResponse, time.Time, error) {
		ps, ds, st, err := s.app.ListDiscussedProposals(ctx, req.Msg.CommitteeId, states...)
		if err != nil {
			return nil, time.Time{}, err
		}
		out := &alescov1.ListProposalsResponse{LastSyncedTime: protoconv.Timestamp(st.LastSynced), SyncError: st.LastError}
		for _, p := range ps {
			out.Proposals = append(out.Proposals, protoconv.DiscussedProposalProto(p, ds[p.Number]))
		}
		return out, time.Time{}, nil
	})
}

// GetProposal returns one proposal by pull-request number.
func (s *proposalService) GetProposal(ctx context.Context, req *connect.Request[alescov1.GetProposalRequest]) (*connect.Response[alescov1.GetProposalResponse], error) {
	return cachedRead(s.Server, v1.ProposalServiceGetProposalProcedure, req, func() (*alescov1.GetProposalResponse, time.Time, error) {
		p, d, err := s.app.GetDiscussedProposal(ctx, req.Msg.CommitteeId, int(req.Msg.Number))
		if err != nil {
			return nil, time.Time{}, err
		}
		return &alescov1.GetProposalResponse{Proposal: protoconv.DiscussedProposalProto(p, d)}, time.Time{}, nil
	})
}

// SyncProposals reconciles with GitHub now.
func (s *proposalService) SyncProposals(ctx context.Context, req *connect.Request[alescov1.SyncProposalsRequest]) (*connect.Response[alescov1.SyncProposalsResponse], error) {
	r, err := s.app.SyncProposals(ctx, req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.SyncProposalsResponse{
		Requests: int32(r.Requests), NotModified: int32(r.NotModified), Changed: int32(r.Changed), SyncedTime: protoconv.Timestamp(r.SyncedAt),
	}), nil
}
