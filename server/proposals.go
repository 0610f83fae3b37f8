package server

import (
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

// proposalService implements ProposalService. (RFC tracking issue.)
type proposalService struct {
	*Server
	v1.UnimplementedProposalServiceHandler
}
