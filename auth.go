package alesco

import (
	"context"
	"slices"
	"strconv"
)

// Role is what a token may do.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin     Role = "admin"     // any write on any committee
	RoleChair     Role = "chair"     // writes on its committee
	RoleSecretary Role = "secretary" // records meetings of its committee
	RoleMember    Role = "member"    // acts only as its own member
)

// Roles returns every role, from most to least powerful.
func Roles() []Role { return slices.Clone(everyone) }

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	if r := Role(s); slices.Contains(everyone, r) {
		return r, nil
	}
	return "", Errorf(EINVALID, "unknown role %q (want admin, chair, secretary or member)", s)
}

// Action is a kind of write; the permissions table says which roles may do it.
type Action string

// Actions. Reads are public and need none.
const (
	ActChangeMeetings   Action = "change meetings"              // cancel, move or add a meeting
	ActSyncProposals    Action = "sync proposals with GitHub"   // reconcile now
	ActRecordMinutes    Action = "record minutes"               // attendance, notes, motions, action items, finalize, amend, import
	ActVote             Action = "vote"                         // a member's own live vote
	ActRecordVote       Action = "record votes for members"     // a vote on someone's behalf, async votes
	ActDecidingVote     Action = "cast the deciding vote"       // the chair's, or a designated member's
	ActDesignateDecider Action = "designate the deciding voter" // the chair picks who breaks a tie in their place
	ActOverrideOutcome  Action = "override a motion's outcome"  // close as passed/rejected/tied against the tally
	ActSteerOutbox      Action = "retry or drop outbound effects"
)

var (
	staff      = []Role{RoleAdmin, RoleChair, RoleSecretary}
	chairAdmin = []Role{RoleAdmin, RoleChair}
	everyone   = []Role{RoleAdmin, RoleChair, RoleSecretary, RoleMember}
)

type permission struct {
	roles []Role
	// refusal is what a refused role reads ("%s" is its role); the
	// default says the role cannot do the action.
	refusal string
}

// permissions is THE table of who may write what. Admins act on any
// committee; everyone else on their token's committee only; member tokens
// only as their own member (ActAs).
var permissions = map[Action]permission{
	ActChangeMeetings:   {roles: staff},
	ActSyncProposals:    {roles: chairAdmin},
	ActRecordMinutes:    {roles: staff},
	ActVote:             {roles: everyone},
	ActRecordVote:       {roles: staff, refusal: "a %s token votes live, as itself; the chair or secretary records async votes"},
	ActDecidingVote:     {roles: everyone}, // a member only as chair or designated (Committee.TieBreaker)
	ActDesignateDecider: {roles: staff},
	ActOverrideOutcome:  {roles: chairAdmin, refusal: "only the chair overrides an outcome; a %s may table or punt a motion"},
	ActSteerOutbox:      {roles: chairAdmin},
}

// Principal is who is making a request: a token's holder, a verified chat
// identity, or the local operator running a CLI command.
type Principal struct {
	TokenID     int64
	Role        Role
	CommitteeID string
	MemberID    string // set for member tokens (and optional for others)
	Name        string // for the audit log: "token 3 (chair of alesco)", "cli"
	// Chat is set for a speaker in the committee's chat channel, verified
	// by the chat server (ChatPrincipal).
	Chat bool
}

// ChatPrincipal is THE rule for what someone speaking in a committee's
// chat may do, as member m of c, at a meeting on date d: the chair of that
// day acts as chair, a configured secretary as secretary, every other
// member as a member (who votes only as themselves).
func ChatPrincipal(c *Committee, m *Member, d Date) Principal {
	role := RoleMember
	if t, ok := c.ChairOn(d); ok && t.MemberID == m.ID {
		role = RoleChair
	} else if c.IsSecretary(m.ID) {
		role = RoleSecretary
	}
	name := "chat @" + m.ChatHandle() + " (" + m.Name + ", " + string(role) + " of " + c.ID + ")"
	return Principal{Role: role, CommitteeID: c.ID, MemberID: m.ID, Name: name, Chat: true}
}

// holder says who p is in a refusal: "a member token", or "in chat, a member".
func (p Principal) holder() string {
	if p.Chat {
		return "in chat, a " + string(p.Role)
	}
	return "a " + string(p.Role) + " token"
}

// TokenPrincipal is the principal of a stored token.
func TokenPrincipal(id int64, role Role, committeeID, memberID string) Principal {
	name := "token " + strconv.FormatInt(id, 10) + " (" + string(role) + " of " + committeeID
	if memberID != "" {
		name += ", " + memberID
	}
	return Principal{TokenID: id, Role: role, CommitteeID: committeeID, MemberID: memberID, Name: name + ")"}
}

// Authorize is THE authorization rule: p may do act on committee
// committeeID when its role is in the permissions table for act, and it
// is an admin or its token is for that committee.
func (p Principal) Authorize(act Action, committeeID string) error {
	if p.Role == "" {
		return Errorf(EUNAUTHENTICATED, "this needs a token: send Authorization: Bearer <token> (see `alesco token create`)")
	}
	perm, ok := permissions[act]
	if !ok || !slices.Contains(perm.roles, p.Role) {
		if perm.refusal != "" {
			return Errorf(EFORBIDDEN, perm.refusal, p.Role)
		}
		if p.Chat {
			return Errorf(EFORBIDDEN, "%s cannot %s: ask the chair or a secretary", p.holder(), act)
		}
		return Errorf(EFORBIDDEN, "%s cannot %s", p.holder(), act)
	}
	if p.Role != RoleAdmin && p.CommitteeID != committeeID {
		return Errorf(EFORBIDDEN, "this token is for committee %q, not %q", p.CommitteeID, committeeID)
	}
	return nil
}

// ActAs is THE rule for acting as a member: a member token acts only as its
// own member, so an empty memberID means itself and another member is
// refused; other roles act for whoever they name. It returns the member
// the action is for ("" when staff named nobody).
func (p Principal) ActAs(memberID string) (string, error) {
	if p.Role != RoleMember {
		return memberID, nil
	}
	if memberID != "" && memberID != p.MemberID {
		return "", Errorf(EFORBIDDEN, "%s acts only as its own member (%s), not as %s", p.holder(), p.MemberID, memberID)
	}
	return p.MemberID, nil
}

// Staff reports whether p records meetings rather than acting as a member.
func (p Principal) Staff() bool { return p.Role != RoleMember && p.Role != "" }

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal carried by ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// ActorName names whoever ctx carries, for the audit log.
func ActorName(ctx context.Context) string {
	if p, ok := PrincipalFrom(ctx); ok && p.Name != "" {
		return p.Name
	}
	return "system"
}
