package alesco

import "context"

// Role is what a token may do.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin     Role = "admin"     // any write on any committee
	RoleChair     Role = "chair"     // writes on its committee
	RoleSecretary Role = "secretary" // records meetings of its committee
	RoleMember    Role = "member"    // acts only as its own member
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleChair, RoleSecretary, RoleMember:
		return r, nil
	}
	return "", Errorf(EINVALID, "unknown role %q (want admin, chair, secretary or member)", s)
}

// Principal is who is making a request: a token's holder, or the local
// operator running a CLI command.
type Principal struct {
	TokenID     int64
	Role        Role
	CommitteeID string
	MemberID    string // set for member tokens (and optional for others)
	Name        string // for the audit log: "token 3 (chair of alesco)", "cli"
}

// Can reports whether p may write to committee id. Admins may write
// anywhere; everyone else only to their own committee.
func (p Principal) Can(committeeID string) bool {
	return p.Role == RoleAdmin || p.CommitteeID == committeeID
}

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
