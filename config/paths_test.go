package config

import (
	"regexp"
	"testing"
	"time"

	"github.com/almalinux/alesco"
)

// TestYAMLKeysCoverTheDomainsPaths: every field a committee's validation
// can name has a key in the file, so that each problem points at its line.
// The committee below breaks every rule Validate checks.
func TestYAMLKeysCoverTheDomainsPaths(t *testing.T) {
	d := alesco.Date{Year: 2025, Month: time.June, Day: 1}
	early := alesco.Date{Year: 2025, Month: time.January, Day: 1}
	c := &alesco.Committee{
		ID: "Bad Id", TimeZone: "Nowhere/Nothing",
		Rules:  alesco.Rules{Quorum: alesco.QuorumRule{Fraction: 2, Minimum: -1}, TieBreak: "coin", ReviewPeriodDays: -1, ChairMaxConsecutiveTerms: 1},
		GitHub: alesco.GitHubSettings{Repo: "no-owner", Write: true},
		Members: []alesco.Member{
			{ID: "Ada", Terms: []alesco.Term{{}, {Start: d, End: early}}},
			{ID: "ada-lovelace", Name: "Ada", Terms: []alesco.Term{{Start: early}}},
			{ID: "ada-lovelace", Name: "Ada\x00"},
		},
		Chairs: []alesco.ChairTerm{{MemberID: "nobody"}, {MemberID: "ada-lovelace", Term: alesco.Term{Start: d, End: early}},
			{MemberID: "ada-lovelace", Term: alesco.Term{Start: early}}},
		Secretaries: []string{"nobody"},
		Series: []alesco.Series{
			{ID: "Bad", Hour: 25, TimeZone: "Nowhere", Last: early, First: d, Place: alesco.Place{Venue: "a\nb", JoinURL: "javascript:x"}},
			{ID: "Bad"},
		},
		Board:  []alesco.BoardMember{{Chair: true}, {Name: "B", Chair: true}},
		Wiki:   alesco.WikiSettings{Repo: "x", Index: "../i"},
		Notify: alesco.NotifySettings{BoardEmail: "not mail", Chat: []alesco.Announcement{"never"}, AgendaBefore: -time.Hour},
	}
	errs := c.Validate()
	if len(errs) < 30 {
		t.Fatalf("only %d problems: %v", len(errs), errs)
	}
	index := regexp.MustCompile(`^\[\d+\]$`)
	for _, e := range errs {
		for _, name := range fieldKeyRE.FindAllString(e.Path, -1) {
			if _, ok := yamlKeys[name]; !ok {
				t.Errorf("%s (%s): no YAML key for %s", e.Path, e.Message, name)
			}
		}
		if rest := fieldKeyRE.ReplaceAllString(e.Path, ""); rest != "" {
			for _, part := range regexp.MustCompile(`\.`).Split(rest, -1) {
				if part != "" && !index.MatchString(part) {
					t.Errorf("%s: unexpected %q", e.Path, part)
				}
			}
		}
	}
}
