package alesco

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// FieldError is one problem in a committee declaration. Path names the
// offending field by the Committee's own field names and indices
// ("Members[2].Terms[0]", "Series[0].IntervalWeeks"), so that the loader
// of a declaration can point at where it declares that field.
type FieldError struct {
	Path    string
	Message string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// fieldErrors collects a declaration's problems.
type fieldErrors []FieldError

func (errs *fieldErrors) add(path, format string, args ...any) {
	*errs = append(*errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// id checks the id of a member or series: a slug (example says which),
// declared once.
func (errs *fieldErrors) id(path, what, example, id string, seen map[string]bool) {
	if !ValidSlug(id) {
		errs.add(path, "%s id %q must be a slug%s", what, id, example)
	} else if seen[id] {
		errs.add(path, "%s id %q is declared twice", what, id)
	}
	seen[id] = true
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a stable id: lowercase words joined by dashes.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// Validate checks a committee's declaration against the charter's structure:
// ids, time zone, non-overlapping terms, chairs who are members.
func (c *Committee) Validate() []FieldError {
	var errs fieldErrors
	c.validateSettings(&errs)
	c.validateMembers(&errs)
	c.validateChairs(&errs)
	c.validateSeries(&errs)
	c.validateWriteBack(errs.add)
	c.validateEventSite(errs.add)
	return errs
}

// validateSettings checks the committee's own fields, its rules and its
// repository, and sets its Location.
func (c *Committee) validateSettings(errs *fieldErrors) {
	add := errs.add
	if !ValidSlug(c.ID) {
		add("ID", "committee id %q must be lowercase letters, digits and dashes", c.ID)
	}
	if strings.TrimSpace(c.Name) == "" {
		add("Name", "committee name is required")
	}
	if c.TimeZone == "" {
		add("TimeZone", "time_zone is required (an IANA zone such as America/New_York)")
	} else if loc, err := time.LoadLocation(c.TimeZone); err != nil {
		add("TimeZone", "unknown time zone %q (want an IANA zone such as America/New_York)", c.TimeZone)
	} else {
		c.Location = loc
	}
	q := c.Rules.Quorum
	if q.Fraction < 0 || q.Fraction > 1 {
		add("Rules.Quorum.Fraction", "fraction must be between 0 and 1, got %v", q.Fraction)
	}
	if q.Minimum < 0 || q.Plus < 0 {
		add("Rules.Quorum", "minimum and plus cannot be negative")
	}
	if c.Rules.TieBreak != "" && c.Rules.TieBreak != TieBreakChair {
		add("Rules.TieBreak", "unknown tie_break %q (want %q)", c.Rules.TieBreak, TieBreakChair)
	}
	if c.Rules.ReviewPeriodDays < 0 || c.Rules.ChairTermMonths < 0 || c.Rules.ChairMaxConsecutiveTerms < 0 {
		add("Rules", "periods and term limits cannot be negative")
	}
	if c.GitHub.Repo != "" && !repoRE.MatchString(c.GitHub.Repo) {
		add("GitHub.Repo", "repo %q must be owner/name", c.GitHub.Repo)
	}
}

// validateMembers checks the members: ids, names and terms.
func (c *Committee) validateMembers(errs *fieldErrors) {
	add := errs.add
	seen := map[string]bool{}
	for i, m := range c.Members {
		p := fmt.Sprintf("Members[%d]", i)
		errs.id(p+".ID", "member", " such as andrew-lukoshko", m.ID, seen)
		if strings.TrimSpace(m.Name) == "" {
			add(p+".Name", "member %q has no name", m.ID)
		} else if _, err := CleanText("name", NameText, m.Name); err != nil {
			add(p+".Name", "member %q: %s", m.ID, ErrorMessage(err))
		}
		if len(m.Terms) == 0 {
			add(p, "member %q has no term (joined date)", m.ID)
		}
		for j, t := range m.Terms {
			tp := fmt.Sprintf("%s.Terms[%d]", p, j)
			if t.Start.IsZero() {
				add(tp, "term has no start (joined) date")
			}
			if !t.End.IsZero() && !t.Start.Before(t.End) {
				add(tp, "member %q left (%s) before joining (%s)", m.ID, t.End, t.Start)
			}
			for k := 0; k < j; k++ {
				if t.Overlaps(m.Terms[k]) {
					add(tp, "member %q has overlapping terms (%s and %s)", m.ID, termString(m.Terms[k]), termString(t))
				}
			}
		}
	}
}

// validateChairs checks the chair terms and the secretaries: members, in
// order, within the charter's term limit.
func (c *Committee) validateChairs(errs *fieldErrors) {
	add := errs.add
	for i, ch := range c.Chairs {
		p := fmt.Sprintf("Chairs[%d]", i)
		m, ok := c.Member(ch.MemberID)
		if !ok {
			add(p+".MemberID", "chair %q is not a declared member", ch.MemberID)
			continue
		}
		if !ch.End.IsZero() && !ch.Start.Before(ch.End) {
			add(p, "chair term ends (%s) before it starts (%s)", ch.End, ch.Start)
		}
		if !m.IsMemberOn(ch.Start) {
			add(p+".MemberID", "chair %q is not a member on %s, when the chair term starts", ch.MemberID, ch.Start)
		}
		for k := 0; k < i; k++ {
			if ch.Overlaps(c.Chairs[k].Term) {
				add(p, "chair terms overlap: %s (%s) and %s (%s)", c.Chairs[k].MemberID, termString(c.Chairs[k].Term), ch.MemberID, termString(ch.Term))
			}
		}
	}
	for i, id := range c.Secretaries {
		if _, ok := c.Member(id); !ok {
			add(fmt.Sprintf("Secretaries[%d]", i), "secretary %q is not a declared member", id)
		}
	}
	if max := c.Rules.ChairMaxConsecutiveTerms; max > 0 {
		for _, t := range c.Chairs {
			if n, since := c.ChairTermsInARow(t.MemberID, t.Start); n > max {
				add("Chairs", "chair %q serves %d consecutive terms from %s: the charter allows at most %d", t.MemberID, n, since, max)
				break
			}
		}
	}
}

// validateSeries checks the meeting series and sets their Location (the
// committee's when they name no zone of their own).
func (c *Committee) validateSeries(errs *fieldErrors) {
	add := errs.add
	sids := map[string]bool{}
	for i, s := range c.Series {
		p := fmt.Sprintf("Series[%d]", i)
		errs.id(p+".ID", "series", "", s.ID, sids)
		if s.First.IsZero() {
			add(p+".First", "series has no first meeting date")
		}
		if s.IntervalWeeks <= 0 {
			add(p+".IntervalWeeks", "interval_weeks must be at least 1")
		}
		if s.Duration <= 0 {
			add(p+".Duration", "duration must be positive")
		}
		if s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59 {
			add(p+".Hour", "time must be HH:MM")
		}
		c.seriesLocation(i, p, errs)
		if _, err := (Place{Venue: s.Venue}).Clean(); err != nil {
			add(p+".Venue", "%s", ErrorMessage(err))
		}
		if _, err := (Place{JoinURL: s.JoinURL}).Clean(); err != nil {
			add(p+".JoinURL", "%s", ErrorMessage(err))
		}
		if !s.Last.IsZero() && s.Last.Before(s.First) {
			add(p+".Last", "series ends (%s) before its first meeting (%s)", s.Last, s.First)
		}
		for k := 0; k < i; k++ {
			o := c.Series[k]
			if (o.Last.IsZero() || !s.First.After(o.Last)) && (s.Last.IsZero() || !o.First.After(s.Last)) {
				add(p, "series %q overlaps series %q: give the earlier one an until date", s.ID, o.ID)
			}
		}
	}
}

// seriesLocation sets series i's time zone: its own, or the committee's.
func (c *Committee) seriesLocation(i int, p string, errs *fieldErrors) {
	s := &c.Series[i]
	if s.TimeZone == "" {
		s.TimeZone, s.Location = c.TimeZone, c.Location
		return
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		errs.add(p+".TimeZone", "unknown time zone %q", s.TimeZone)
		return
	}
	s.Location = loc
}

func termString(t Term) string {
	if t.End.IsZero() {
		return t.Start.String() + " onwards"
	}
	return t.Start.String() + " to " + t.End.String()
}
