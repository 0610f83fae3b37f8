package alesco

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// FieldError is one problem in a committee declaration. Path names the
// offending field ("members[2].terms[0]") so the config loader can point at
// its file and line.
type FieldError struct {
	Path    string
	Message string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Message }

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a stable id: lowercase words joined by dashes.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// Validate checks a committee's declaration against the charter's structure:
// ids, time zone, non-overlapping terms, chairs who are members.
func (c *Committee) Validate() []FieldError {
	var errs []FieldError
	add := func(path, format string, args ...any) {
		errs = append(errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if !ValidSlug(c.ID) {
		add("id", "committee id %q must be lowercase letters, digits and dashes", c.ID)
	}
	if strings.TrimSpace(c.Name) == "" {
		add("name", "committee name is required")
	}
	if c.TimeZone == "" {
		add("time_zone", "time_zone is required (an IANA zone such as America/New_York)")
	} else if loc, err := time.LoadLocation(c.TimeZone); err != nil {
		add("time_zone", "unknown time zone %q (want an IANA zone such as America/New_York)", c.TimeZone)
	} else {
		c.Location = loc
	}
	q := c.Rules.Quorum
	if q.Fraction < 0 || q.Fraction > 1 {
		add("rules.quorum.fraction", "fraction must be between 0 and 1, got %v", q.Fraction)
	}
	if q.Minimum < 0 || q.Plus < 0 {
		add("rules.quorum", "minimum and plus cannot be negative")
	}
	if c.Rules.TieBreak != "" && c.Rules.TieBreak != TieBreakChair {
		add("rules.tie_break", "unknown tie_break %q (want %q)", c.Rules.TieBreak, TieBreakChair)
	}
	if c.Rules.ReviewPeriodDays < 0 || c.Rules.ChairTermMonths < 0 || c.Rules.ChairMaxConsecutiveTerms < 0 {
		add("rules", "periods and term limits cannot be negative")
	}
	if c.GitHub.Repo != "" && !regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`).MatchString(c.GitHub.Repo) {
		add("github.repo", "repo %q must be owner/name", c.GitHub.Repo)
	}

	seen := map[string]bool{}
	for i, m := range c.Members {
		p := fmt.Sprintf("members[%d]", i)
		if !ValidSlug(m.ID) {
			add(p+".id", "member id %q must be a slug such as andrew-lukoshko", m.ID)
		} else if seen[m.ID] {
			add(p+".id", "member id %q is declared twice", m.ID)
		}
		seen[m.ID] = true
		if strings.TrimSpace(m.Name) == "" {
			add(p+".name", "member %q has no name", m.ID)
		} else if _, err := CleanText("name", NameText, m.Name); err != nil {
			add(p+".name", "member %q: %s", m.ID, ErrorMessage(err))
		}
		if len(m.Terms) == 0 {
			add(p, "member %q has no term (joined date)", m.ID)
		}
		for j, t := range m.Terms {
			tp := fmt.Sprintf("%s.terms[%d]", p, j)
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

	for i, ch := range c.Chairs {
		p := fmt.Sprintf("chairs[%d]", i)
		m, ok := c.Member(ch.MemberID)
		if !ok {
			add(p+".member", "chair %q is not a declared member", ch.MemberID)
			continue
		}
		if !ch.End.IsZero() && !ch.Start.Before(ch.End) {
			add(p, "chair term ends (%s) before it starts (%s)", ch.End, ch.Start)
		}
		if !m.IsMemberOn(ch.Start) {
			add(p+".member", "chair %q is not a member on %s, when the chair term starts", ch.MemberID, ch.Start)
		}
		for k := 0; k < i; k++ {
			if ch.Overlaps(c.Chairs[k].Term) {
				add(p, "chair terms overlap: %s (%s) and %s (%s)", c.Chairs[k].MemberID, termString(c.Chairs[k].Term), ch.MemberID, termString(ch.Term))
			}
		}
	}

	for i, id := range c.Secretaries {
		if _, ok := c.Member(id); !ok {
			add(fmt.Sprintf("secretaries[%d]", i), "secretary %q is not a declared member", id)
		}
	}
	if max := c.Rules.ChairMaxConsecutiveTerms; max > 0 {
		for _, t := range c.Chairs {
			if n, since := c.ChairTermsInARow(t.MemberID, t.Start); n > max {
				add("chairs", "chair %q serves %d consecutive terms from %s: the charter allows at most %d", t.MemberID, n, since, max)
				break
			}
		}
	}

	sids := map[string]bool{}
	for i, s := range c.Series {
		p := fmt.Sprintf("meetings[%d]", i)
		if !ValidSlug(s.ID) {
			add(p+".id", "series id %q must be a slug", s.ID)
		} else if sids[s.ID] {
			add(p+".id", "series id %q is declared twice", s.ID)
		}
		sids[s.ID] = true
		if s.First.IsZero() {
			add(p+".first", "series has no first meeting date")
		}
		if s.IntervalWeeks <= 0 {
			add(p+".interval_weeks", "interval_weeks must be at least 1")
		}
		if s.Duration <= 0 {
			add(p+".duration", "duration must be positive")
		}
		if s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59 {
			add(p+".time", "time must be HH:MM")
		}
		if s.TimeZone != "" {
			loc, err := time.LoadLocation(s.TimeZone)
			if err != nil {
				add(p+".time_zone", "unknown time zone %q", s.TimeZone)
			} else {
				c.Series[i].Location = loc
			}
		} else {
			c.Series[i].TimeZone = c.TimeZone
			c.Series[i].Location = c.Location
		}
		if _, err := (Place{Venue: s.Venue}).Clean(); err != nil {
			add(p+".location", "%s", ErrorMessage(err))
		}
		if _, err := (Place{JoinURL: s.JoinURL}).Clean(); err != nil {
			add(p+".url", "%s", ErrorMessage(err))
		}
		if !s.Last.IsZero() && s.Last.Before(s.First) {
			add(p+".until", "series ends (%s) before its first meeting (%s)", s.Last, s.First)
		}
		for k := 0; k < i; k++ {
			o := c.Series[k]
			if (o.Last.IsZero() || !s.First.After(o.Last)) && (s.Last.IsZero() || !o.First.After(s.Last)) {
				add(p, "series %q overlaps series %q: give the earlier one an until date", s.ID, o.ID)
			}
		}
	}
	c.validateWriteBack(add)
	return errs
}

func termString(t Term) string {
	if t.End.IsZero() {
		return t.Start.String() + " onwards"
	}
	return t.Start.String() + " to " + t.End.String()
}
