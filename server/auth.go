package server

import (
	"context"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
)

var (
	staff      = []alesco.Role{alesco.RoleAdmin, alesco.RoleChair, alesco.RoleSecretary}
	chairAdmin = []alesco.Role{alesco.RoleAdmin, alesco.RoleChair}
	everyone   = []alesco.Role{alesco.RoleAdmin, alesco.RoleChair, alesco.RoleSecretary, alesco.RoleMember}
)

// writeRoles lists every write RPC and the roles allowed to call it: the one
// table. A procedure not listed here is a public read. Admins may act on any
// committee; other roles only on their token's committee; member tokens only
// as their own member (checked on member_id below, and in handlers).
var writeRoles = map[string][]alesco.Role{
	v1.MeetingServiceCancelMeetingProcedure:     staff,
	v1.MeetingServiceRescheduleMeetingProcedure: staff,
	v1.MeetingServiceAddMeetingProcedure:        staff,

	v1.ProposalServiceSyncProposalsProcedure: chairAdmin,

	v1.MinutesServiceRecordAttendanceProcedure:   staff,
	v1.MinutesServiceAddNoteProcedure:            staff,
	v1.MinutesServiceOpenMotionProcedure:         staff,
	v1.MinutesServiceCastVoteProcedure:           everyone,
	v1.MinutesServiceCastDecidingVoteProcedure:   everyone, // a member only when the chair designated them
	v1.MinutesServiceCloseMotionProcedure:        staff,
	v1.MinutesServiceAddActionItemProcedure:      staff,
	v1.MinutesServiceCompleteActionItemProcedure: staff,
	v1.MinutesServiceFinalizeMinutesProcedure:    staff,
	v1.MinutesServiceAmendMinutesProcedure:       staff,
	v1.MinutesServiceImportMinutesProcedure:      staff,
}

// IsWrite reports whether a procedure needs a token.
func IsWrite(procedure string) bool {
	_, ok := writeRoles[procedure]
	return ok
}

// target messages name what they act on in one of these ways.
type (
	committeeTarget  interface{ GetCommitteeId() string }
	meetingTarget    interface{ GetMeetingId() string }
	motionTarget     interface{ GetMotionId() int64 }
	actionItemTarget interface{ GetActionItemId() int64 }
	memberTarget     interface{ GetMemberId() string }
)

// authInterceptor authenticates write RPCs with a Bearer token and
// authorizes them by the writeRoles table and the committee they target.
func (s *Server) authInterceptor() connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			roles, isWrite := writeRoles[req.Spec().Procedure]
			if !isWrite {
				return next(ctx, req)
			}
			p, err := s.authenticate(ctx, req.Header().Get("Authorization"))
			if err != nil {
				return nil, err
			}
			if !hasRole(roles, p.Role) {
				return nil, alesco.Errorf(alesco.EFORBIDDEN, "a %s token cannot call %s", p.Role, methodName(req.Spec().Procedure))
			}
			committeeID, err := s.targetCommittee(ctx, req.Any())
			if err != nil {
				return nil, err
			}
			if !p.Can(committeeID) {
				return nil, alesco.Errorf(alesco.EFORBIDDEN, "this token is for committee %q, not %q", p.CommitteeID, committeeID)
			}
			if m, ok := req.Any().(memberTarget); ok && p.Role == alesco.RoleMember && m.GetMemberId() != "" && m.GetMemberId() != p.MemberID {
				return nil, alesco.Errorf(alesco.EFORBIDDEN, "a member token acts only as its own member (%s), not as %s", p.MemberID, m.GetMemberId())
			}
			return next(alesco.NewContext(ctx, p), req)
		}
	}
}

// authenticate resolves an Authorization header to a principal.
func (s *Server) authenticate(ctx context.Context, header string) (alesco.Principal, error) {
	secret, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || strings.TrimSpace(secret) == "" {
		return alesco.Principal{}, alesco.Errorf(alesco.EUNAUTHENTICATED, "this call needs a token: send Authorization: Bearer <token> (see `alesco token create`)")
	}
	t, err := s.store.LookupToken(ctx, strings.TrimSpace(secret))
	if err != nil {
		return alesco.Principal{}, err
	}
	return TokenPrincipal(t.ID, t.Role, t.CommitteeID, t.MemberID), nil
}

// TokenPrincipal builds the principal of a stored token.
func TokenPrincipal(id int64, role alesco.Role, committeeID, memberID string) alesco.Principal {
	name := "token " + strconv.FormatInt(id, 10) + " (" + string(role) + " of " + committeeID
	if memberID != "" {
		name += ", " + memberID
	}
	return alesco.Principal{TokenID: id, Role: role, CommitteeID: committeeID, MemberID: memberID, Name: name + ")"}
}

// targetCommittee finds the committee a write request acts on.
func (s *Server) targetCommittee(ctx context.Context, msg any) (string, error) {
	switch m := msg.(type) {
	case committeeTarget:
		if m.GetCommitteeId() != "" {
			c, err := s.committees.Get(m.GetCommitteeId())
			if err != nil {
				return "", err
			}
			return c.ID, nil
		}
	}
	if m, ok := msg.(meetingTarget); ok {
		c, _, _, err := s.committees.ParseMeetingID(m.GetMeetingId())
		if err != nil {
			return "", err
		}
		return c.ID, nil
	}
	if m, ok := msg.(motionTarget); ok {
		return s.store.CommitteeOfMotion(ctx, m.GetMotionId())
	}
	if m, ok := msg.(actionItemTarget); ok {
		return s.store.CommitteeOfActionItem(ctx, m.GetActionItemId())
	}
	return "", alesco.Errorf(alesco.EINVALID, "committee_id is required")
}

func hasRole(roles []alesco.Role, r alesco.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// methodName turns "/alesco.v1.MeetingService/CancelMeeting" into "CancelMeeting".
func methodName(procedure string) string {
	return procedure[strings.LastIndexByte(procedure, '/')+1:]
}
