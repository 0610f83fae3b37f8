package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// proposalService implements ProposalService.
type proposalService struct {
	*Server
	v1.UnimplementedProposalServiceHandler
}

// ListProposals lists tracked proposals as last synced, with when that was
// and the last sync's error, so a page can say how fresh it is.
func (s *proposalService) ListProposals(ctx context.Context, req *connect.Request[alescov1.ListProposalsRequest]) (*connect.Response[alescov1.ListProposalsResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	states := make([]alesco.ProposalState, 0, len(req.Msg.States))
	key := make([]string, 0, len(req.Msg.States))
	for _, st := range req.Msg.States {
		ps := alesco.ProposalState(st)
		if _, ok := alescov1.ProposalState_name[int32(st)]; !ok || st == alescov1.ProposalState_PROPOSAL_STATE_UNSPECIFIED {
			return nil, alesco.Errorf(alesco.EINVALID, "unknown proposal state %d", st)
		}
		states = append(states, ps)
		key = append(key, ps.String())
	}
	resp := connect.NewResponse(&alescov1.ListProposalsResponse{})
	version, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkNotModified(req.Header(), resp.Header(), ETag([]byte("proposals/"+c.ID+"/"+strings.Join(key, ",")+"/"+version))); err != nil {
		return nil, err
	}
	ps, err := s.store.Proposals(ctx, c.ID, states...)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		resp.Msg.Proposals = append(resp.Msg.Proposals, ProposalProto(p))
	}
	st, err := s.store.SyncState(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	resp.Msg.LastSyncedTime = optTime(st.LastSynced)
	resp.Msg.SyncError = st.LastError
	return resp, nil
}

// GetProposal returns one proposal by pull-request number.
func (s *proposalService) GetProposal(ctx context.Context, req *connect.Request[alescov1.GetProposalRequest]) (*connect.Response[alescov1.GetProposalResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	if req.Msg.Number <= 0 {
		return nil, alesco.Errorf(alesco.EINVALID, "number must be a pull-request number, got %d", req.Msg.Number)
	}
	p, err := s.store.Proposal(ctx, c.ID, int(req.Msg.Number))
	if err != nil {
		return nil, err
	}
	resp := connect.NewResponse(&alescov1.GetProposalResponse{Proposal: ProposalProto(p)})
	if err := checkNotModified(req.Header(), resp.Header(), ETag(fmt.Appendf(nil, "%+v", p))); err != nil {
		return nil, err
	}
	return resp, nil
}

// SyncProposals reconciles with GitHub now.
func (s *proposalService) SyncProposals(ctx context.Context, req *connect.Request[alescov1.SyncProposalsRequest]) (*connect.Response[alescov1.SyncProposalsResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	if s.syncer == nil {
		return nil, alesco.Errorf(alesco.EPRECONDITION, "GitHub sync is not configured")
	}
	r, err := s.syncer.Sync(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.SyncProposalsResponse{
		Requests: int32(r.Requests), NotModified: int32(r.NotModified), Changed: int32(r.Changed), SyncedTime: optTime(r.SyncedAt),
	}), nil
}

func optTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// ProposalProto converts a proposal to its API form.
func ProposalProto(p alesco.Proposal) *alescov1.Proposal {
	return &alescov1.Proposal{
		CommitteeId: p.CommitteeID, Number: int32(p.Number), Title: p.Title, Url: p.URL, AuthorLogin: p.AuthorLogin,
		Authors: p.Authors, RfcNumber: p.RFCNumber, RfcPath: p.RFCPath, HeaderStatus: p.HeaderStatus,
		State: alescov1.ProposalState(p.State), Draft: p.Draft, Labels: p.Labels,
		NeedsBoardInput: p.NeedsBoardInput, BoardInputReason: p.BoardInputReason,
		CreatedTime: optTime(p.Created), UpdatedTime: optTime(p.Updated), ClosedTime: optTime(p.Closed),
		MergedTime: optTime(p.MergedAt), DiscussionTime: optTime(p.DiscussionTime), FcpTime: optTime(p.FCPTime),
		HeadSha: p.HeadSHA, Abstract: p.Abstract,
	}
}
