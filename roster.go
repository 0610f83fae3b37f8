package alesco

import (
	"fmt"
	"slices"
	"strings"
)

// This file holds the charter's rules for changing the committee itself:
// electing a chair (6-month terms, at most 2 in a row) and appointing or
// removing members, each by a vote in a meeting. The configuration is the
// seed; the effective committee is the seed plus every such decision on
// record (WithDecisions), so a chair election is a decision, not an edit
// of a file.

// RosterDecision is a passed motion that changed the committee: an
// election, an appointment or a removal, effective from its meeting's date.
type RosterDecision struct {
	MeetingID string
	Date      Date
	MotionID  int64
	Kind      MotionKind
	// MemberID is "" for the appointment of someone never configured;
	// Name is who the decision is about.
	MemberID string
	Name     string
}

// ChairTermsInARow returns how many chair terms memberID holds in a row
// on d (the term in force on d and the ones just before it held by the
// same member), and since when; 0 when they are not the chair on d.
func (c *Committee) ChairTermsInARow(memberID string, d Date) (n int, since Date) {
	terms := slices.Clone(c.Chairs)
	slices.SortStableFunc(terms, func(a, b ChairTerm) int { return a.Start.Compare(b.Start) })
	i := slices.IndexFunc(terms, func(t ChairTerm) bool { return t.Contains(d) })
	if i < 0 || terms[i].MemberID != memberID {
		return 0, Date{}
	}
	for ; i >= 0 && terms[i].MemberID == memberID; i-- {
		n, since = n+1, terms[i].Start
	}
	return n, since
}

// ChairMayStand is the charter's term limit ("The chair cannot serve more
// than 2 consecutive terms (1 year) as chair"): nil when memberID may be
// elected chair on d, else EPRECONDITION quoting the rule.
func (c *Committee) ChairMayStand(memberID string, d Date) error {
	max := c.Rules.ChairMaxConsecutiveTerms
	n, since := c.ChairTermsInARow(memberID, d)
	if max <= 0 || n < max {
		return nil
	}
	name := memberID
	if m, ok := c.Member(memberID); ok {
		name = m.Name
	}
	return Errorf(EPRECONDITION, "%s cannot stand again: %s; they have chaired since %s, %d terms in a row", name, c.termLimitRule(), since, n)
}

// termLimitRule words the rule as the charter does.
func (c *Committee) termLimitRule() string {
	max, months := c.Rules.ChairMaxConsecutiveTerms, c.Rules.ChairTermMonths*c.Rules.ChairMaxConsecutiveTerms
	span := fmt.Sprintf("%d months", months)
	if months%12 == 0 {
		span = fmt.Sprintf("%d year", months/12)
		if months > 12 {
			span += "s"
		}
	}
	return fmt.Sprintf("\"the chair cannot serve more than %d consecutive terms (%s) as chair\" (charter)", max, span)
}

// rosterMotion checks a motion about the committee itself before it is put
// to a vote, and returns who it is about.
func (c *Committee) rosterMotion(k MotionKind, subject string, d Date) (id, name string, err error) {
	subject = strings.TrimSpace(subject)
	switch k {
	case MotionElectChair, MotionRemove:
		m, err := c.FindMember(subject, d)
		if err != nil {
			return "", "", err
		}
		if !m.IsMemberOn(d) {
			return "", "", Errorf(EINVALID, "%s is not on the %s roster on %s", m.Name, c.ShortName, d)
		}
		if k == MotionElectChair {
			if err := c.ChairMayStand(m.ID, d); err != nil {
				return "", "", err
			}
		}
		return m.ID, m.Name, nil
	case MotionAppoint:
		if subject, err = CleanText("name", NameText, subject); err != nil {
			return "", "", err
		}
		if subject == "" {
			return "", "", Errorf(EINVALID, "name the person to appoint, e.g. appoint Luna Jernberg")
		}
		if m, err := c.FindMember(subject, d); err == nil {
			if m.IsMemberOn(d) {
				return "", "", Errorf(EPRECONDITION, "%s is already a member of %s", m.Name, c.ShortName)
			}
			return m.ID, m.Name, nil // a former member returns
		}
		return "", subject, nil
	}
	return "", "", Errorf(EINVALID, "unknown motion kind %q", k)
}

// WithDecisions returns the committee as the decisions on record (oldest
// first) make it: the configuration is the seed, each decision applies
// from its meeting's date. A decision the configuration already reflects
// (the winner's term already starts that day, the appointee already
// joined then or later) is not applied twice. c itself is not changed.
func (c *Committee) WithDecisions(ds []RosterDecision) *Committee {
	if len(ds) == 0 {
		return c
	}
	out := *c
	out.Members = make([]Member, len(c.Members))
	for i, m := range c.Members {
		m.Terms = slices.Clone(m.Terms)
		out.Members[i] = m
	}
	out.Chairs = slices.Clone(c.Chairs)
	for _, d := range ds {
		out.apply(d)
	}
	return &out
}

func (c *Committee) apply(d RosterDecision) {
	switch d.Kind {
	case MotionElectChair:
		c.electChair(d)
	case MotionAppoint:
		m := c.memberOf(d)
		if m == nil {
			c.Members = append(c.Members, Member{ID: c.newMemberID(d.Name), Name: d.Name})
			m = &c.Members[len(c.Members)-1]
		}
		for _, t := range m.Terms {
			if t.Contains(d.Date) || d.Date.Before(t.Start) {
				return // the configuration has it (or says more)
			}
		}
		m.Terms = append(m.Terms, Term{Start: d.Date, StartedIn: d.MeetingID})
	case MotionRemove:
		m := c.memberOf(d)
		if m == nil {
			return
		}
		m.Terms = endTerms(m.Terms, d)
		for i := range c.Chairs {
			if t := &c.Chairs[i]; t.MemberID == m.ID && t.Contains(d.Date) {
				t.End, t.EndedIn = d.Date, d.MeetingID
			}
		}
		c.Chairs = slices.DeleteFunc(c.Chairs, func(t ChairTerm) bool { return !t.End.IsZero() && !t.Start.Before(t.End) })
	}
}

// electChair ends the term in force on the decision's date and starts the
// winner's, up to the next configured term if there is one.
func (c *Committee) electChair(d RosterDecision) {
	for _, t := range c.Chairs {
		if t.MemberID == d.MemberID && t.Start == d.Date {
			return // the configuration has it
		}
	}
	// A second election on the same day replaces the first.
	c.Chairs = slices.DeleteFunc(c.Chairs, func(t ChairTerm) bool { return t.Start == d.Date && t.StartedIn != "" })
	next := Date{}
	for i := range c.Chairs {
		t := &c.Chairs[i]
		switch {
		case t.Contains(d.Date):
			t.End, t.EndedIn = d.Date, d.MeetingID
		case d.Date.Before(t.Start) && (next.IsZero() || t.Start.Before(next)):
			next = t.Start
		}
	}
	c.Chairs = append(c.Chairs, ChairTerm{MemberID: d.MemberID, Term: Term{Start: d.Date, End: next, StartedIn: d.MeetingID}})
	slices.SortStableFunc(c.Chairs, func(a, b ChairTerm) int { return a.Start.Compare(b.Start) })
}

// memberOf finds the member a decision is about, by id or else by name.
func (c *Committee) memberOf(d RosterDecision) *Member {
	if m, ok := c.Member(d.MemberID); ok {
		return m
	}
	for i := range c.Members {
		if normName(c.Members[i].Name) == normName(d.Name) {
			return &c.Members[i]
		}
	}
	return nil
}

// endTerms ends the membership term in force on the decision's date.
func endTerms(ts []Term, d RosterDecision) []Term {
	for i := range ts {
		if ts[i].Contains(d.Date) {
			ts[i].End, ts[i].EndedIn = d.Date, d.MeetingID
		}
	}
	return slices.DeleteFunc(ts, func(t Term) bool { return !t.End.IsZero() && !t.Start.Before(t.End) })
}

// newMemberID makes an id for someone appointed who was never configured:
// their name as a slug, made unique.
func (c *Committee) newMemberID(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.TrimSuffix(b.String(), "-")
	if base == "" {
		base = "member"
	}
	id := base
	for n := 2; ; n++ {
		if _, taken := c.Member(id); !taken {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
}
