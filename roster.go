package alesco

import (
	"fmt"
	"slices"
	"sort"
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

// Finding people by what others call them: the live command
// language (`present neal`, `vote @ngompa13 +1`), chat (a speaker's
// username) and action-item owners all name members the same ways.

// ChatHandle returns the member's chat handle: the @name that ends their
// chat link (https://chat.almalinux.org/almalinux/messages/@ngompa13 gives
// "ngompa13"); "" when they have no such link.
func (m *Member) ChatHandle() string {
	i := strings.LastIndexByte(m.Chat, '@')
	if i < 0 {
		return ""
	}
	h := m.Chat[i+1:]
	if j := strings.IndexAny(h, "/?#"); j >= 0 {
		h = h[:j]
	}
	return h
}

// normName folds a name for comparison: lower case, single spaces.
func normName(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// MemberByChat finds the member whose chat handle is handle (a leading @
// is ignored, case is not significant).
func (c *Committee) MemberByChat(handle string) (*Member, bool) {
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	if h == "" {
		return nil, false
	}
	for i := range c.Members {
		if strings.ToLower(c.Members[i].ChatHandle()) == h {
			return &c.Members[i], true
		}
	}
	return nil, false
}

// FindMember finds the member ref names: their id, full name, GitHub
// login or chat handle (with or without @), or a first or last name that
// only one member on the roster on d has. Case and extra spaces do not
// matter. Anyone else is ENOTFOUND, with the names that would work.
func (c *Committee) FindMember(ref string, d Date) (*Member, error) {
	want := normName(strings.TrimPrefix(strings.TrimSpace(ref), "@"))
	if want == "" {
		return nil, Errorf(EINVALID, "name a member: id, full name, GitHub login or chat handle")
	}
	for i := range c.Members {
		m := &c.Members[i]
		if want == m.ID || want == normName(m.Name) || (m.GitHub != "" && want == strings.ToLower(m.GitHub)) ||
			(m.ChatHandle() != "" && want == strings.ToLower(m.ChatHandle())) {
			return m, nil
		}
	}
	var matches []*Member
	if !strings.Contains(want, " ") {
		for i := range c.Members {
			m := &c.Members[i]
			if !m.IsMemberOn(d) {
				continue
			}
			words := strings.Fields(strings.ToLower(m.Name))
			if len(words) > 0 && (words[0] == want || words[len(words)-1] == want) {
				matches = append(matches, m)
			}
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return nil, Errorf(ENOTFOUND, "no member %q in %s: name one by id, full name, GitHub login or chat handle (%s)", strings.TrimSpace(ref), c.ShortName, c.rosterNames(d))
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = m.Name
	}
	return nil, Errorf(EINVALID, "%q could be %s: use the full name", strings.TrimSpace(ref), strings.Join(names, " or "))
}

// FindMembers finds every member a list names: "andrew, ben and neal",
// "Andrew Lukoshko Ben Thomas" or "alukoshko @ngompa13". Without commas
// the longest run of words that names a member is taken each time, so
// full names need no quoting.
func (c *Committee) FindMembers(list string, d Date) ([]*Member, error) {
	var parts []string
	if strings.Contains(list, ",") || strings.Contains(list, " and ") {
		for _, p := range strings.FieldsFunc(strings.ReplaceAll(list, " and ", ","), func(r rune) bool { return r == ',' }) {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
	} else {
		words := strings.Fields(list)
		for i := 0; i < len(words); {
			j := len(words)
			for ; j > i+1; j-- {
				if _, err := c.FindMember(strings.Join(words[i:j], " "), d); err == nil {
					break
				}
			}
			parts = append(parts, strings.Join(words[i:j], " "))
			i = j
		}
	}
	if len(parts) == 0 {
		return nil, Errorf(EINVALID, "name at least one member (%s)", c.rosterNames(d))
	}
	var out []*Member
	for _, p := range parts {
		m, err := c.FindMember(p, d)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// DisplayName is how the minutes write a person someone named: a member's
// full name when ref names a member, else ref as written (an action item
// may belong to someone outside the committee).
func (c *Committee) DisplayName(ref string, d Date) string {
	ref = strings.TrimSpace(ref)
	if m, err := c.FindMember(ref, d); err == nil {
		return m.Name
	}
	return ref
}

// rosterNames lists the names on the roster on d, for messages.
func (c *Committee) rosterNames(d Date) string {
	var names []string
	for _, m := range c.Roster(d) {
		names = append(names, m.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// IsSecretary reports whether the member records meetings for the
// committee (the configuration's secretaries).
func (c *Committee) IsSecretary(memberID string) bool {
	for _, id := range c.Secretaries {
		if id == memberID {
			return true
		}
	}
	return false
}
