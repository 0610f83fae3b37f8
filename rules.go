package alesco

import "math"

// This file holds the committee's rules from its charter. Each rule lives in
// exactly one function here; everything else calls it.

// Roster returns the members on the committee on date d, in declaration order.
func (c *Committee) Roster(d Date) []Member {
	var out []Member
	for _, m := range c.Members {
		if m.IsMemberOn(d) {
			out = append(out, m)
		}
	}
	return out
}

// QuorumRequired returns how many of n members must be present for a vote:
// "50% of members +1 with a minimum quorum always being at least four".
func (r QuorumRule) QuorumRequired(n int) int {
	// The epsilon keeps fractions such as 0.6*5 = 3.0000000000000004 from
	// rounding up a whole number.
	req := int(math.Ceil(r.Fraction*float64(n) + float64(r.Plus) - 1e-9))
	return max(req, r.Minimum)
}

// Quorum is the quorum on a date: the roster size and how many must attend.
type Quorum struct {
	RosterSize int
	Required   int
}

// QuorumOn returns the quorum on date d, from the roster on that date.
func (c *Committee) QuorumOn(d Date) Quorum {
	n := len(c.Roster(d))
	return Quorum{RosterSize: n, Required: c.Rules.Quorum.QuorumRequired(n)}
}

// Met reports whether present members make quorum.
func (q Quorum) Met(present int) bool { return present >= q.Required }

// ChairOn returns the chair term in force on d, if any.
func (c *Committee) ChairOn(d Date) (ChairTerm, bool) {
	for _, t := range c.Chairs {
		if t.Contains(d) {
			return t, true
		}
	}
	return ChairTerm{}, false
}

// ChairTermDue returns the date a chair term runs out under the rules
// (Start + ChairTermMonths); the zero Date when the rules set no term.
func (c *Committee) ChairTermDue(t ChairTerm) Date {
	if c.Rules.ChairTermMonths <= 0 {
		return Date{}
	}
	return t.Start.AddMonths(c.Rules.ChairTermMonths)
}

// ChairElectionDue reports whether an election is due on d: the seat is
// empty, or the sitting chair's term has run out.
func (c *Committee) ChairElectionDue(d Date) (due bool, reason string) {
	t, ok := c.ChairOn(d)
	if !ok {
		return true, "the chair is vacant"
	}
	if due := c.ChairTermDue(t); !due.IsZero() && !d.Before(due) {
		return true, "the chair's term ran out on " + due.String()
	}
	return false, ""
}

// OnRoster returns the member with the given id when they are on the
// roster on date d, or EINVALID saying why not (unknown, not yet joined,
// or left).
func (c *Committee) OnRoster(memberID string, d Date) (*Member, error) {
	m, ok := c.Member(memberID)
	if !ok {
		return nil, Errorf(EINVALID, "%s has no member %q", c.ID, memberID)
	}
	if m.IsMemberOn(d) {
		return m, nil
	}
	var left, joins Date
	for _, t := range m.Terms {
		if !t.End.IsZero() && !t.End.After(d) && t.End.After(left) {
			left = t.End
		}
		if t.Start.After(d) && (joins.IsZero() || t.Start.Before(joins)) {
			joins = t.Start
		}
	}
	why := "they hold no term then"
	switch {
	case !joins.IsZero():
		why = "their term starts on " + joins.String()
	case !left.IsZero():
		why = "they left the committee on " + left.String()
	}
	return nil, Errorf(EINVALID, "%s (%s) is not on the %s roster on %s: %s", m.ID, m.Name, c.ShortName, d, why)
}

// Voter returns the member who may vote on date d: only members on the
// roster that day; anyone else gets EFORBIDDEN.
func (c *Committee) Voter(memberID string, d Date) (*Member, error) {
	m, ok := c.Member(memberID)
	if !ok || !m.IsMemberOn(d) {
		return nil, Errorf(EFORBIDDEN, "%q is not on the %s roster on %s and cannot vote", memberID, c.ShortName, d)
	}
	return m, nil
}

// TieBreaker decides who casts the deciding vote on a tie on date d
// (charter: "In case of a tie, the chairperson (or a designated member) will
// have the deciding vote"). memberID "" means the chair; designated is the
// member the chair designated for this motion, if any. With selfCast (a
// member casting it with their own token) the member must be the chair or
// the designated member; staff recording it on someone's behalf designate
// that member.
func (c *Committee) TieBreaker(d Date, memberID, designated string, selfCast bool) (m *Member, isChair bool, err error) {
	chair, hasChair := c.ChairOn(d)
	if memberID == "" {
		if !hasChair {
			return nil, false, Errorf(EPRECONDITION, "%s has no chair on %s: name the member the chair designated", c.ShortName, d)
		}
		memberID = chair.MemberID
	}
	if m, err = c.Voter(memberID, d); err != nil {
		return nil, false, err
	}
	isChair = hasChair && chair.MemberID == m.ID
	if selfCast && !isChair && designated != m.ID {
		return nil, false, Errorf(EFORBIDDEN, "only the chair or the member the chair designated may cast the deciding vote")
	}
	return m, isChair, nil
}
