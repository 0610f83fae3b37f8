package alesco_test

import (
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
)

// The charter: "50% of members +1 with a minimum quorum always being at
// least four (4) members".
func TestQuorumRequiredCharter(t *testing.T) {
	rule := alesco.QuorumRule{Fraction: 0.5, Plus: 1, Minimum: 4}
	for _, tc := range []struct{ n, want int }{
		{0, 4}, {1, 4}, {3, 4}, {4, 4}, {5, 4}, {6, 4}, {7, 5}, {8, 5}, {9, 6}, {10, 6},
	} {
		if got := rule.QuorumRequired(tc.n); got != tc.want {
			t.Errorf("QuorumRequired(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
	// Fractions that are not exact in binary must not round a whole number up.
	if got := (alesco.QuorumRule{Fraction: 0.6}).QuorumRequired(5); got != 3 {
		t.Errorf("0.6 of 5 = %d, want 3", got)
	}
}

func alescoCommittee(t *testing.T) *alesco.Committee { return alescotest.Committee(t) }

// Rosters on the dates of the real minutes (../shared/fixtures/minutes).
func TestRosterOnMeetingDates(t *testing.T) {
	c := alescoCommittee(t)
	for _, tc := range []struct {
		date     string
		roster   []string
		required int
	}{
		{"2024-07-24", []string{"andrew-lukoshko", "ben-thomas", "cody-robertson", "elkhan-mammadli", "jonathan-wright", "neal-gompa"}, 4},
		{"2025-05-28", []string{"andrew-lukoshko", "ben-thomas", "cody-robertson", "elkhan-mammadli", "jonathan-wright", "neal-gompa"}, 4},
		{"2025-07-31", []string{"andrew-lukoshko", "ben-thomas", "cody-robertson", "jonathan-wright", "neal-gompa"}, 4},
		{"2025-10-16", []string{"andrew-lukoshko", "ben-thomas", "cody-robertson", "jonathan-wright", "neal-gompa"}, 4},
		{"2026-06-04", []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "neal-gompa"}, 4},
		{"2026-07-30", []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright", "lance-albertson", "neal-gompa"}, 4},
	} {
		t.Run(tc.date, func(t *testing.T) {
			d := alescotest.Date(tc.date)
			var got []string
			for _, m := range c.Roster(d) {
				got = append(got, m.ID)
			}
			if len(got) != len(tc.roster) {
				t.Fatalf("roster = %v, want %v", got, tc.roster)
			}
			for i := range got {
				if got[i] != tc.roster[i] {
					t.Fatalf("roster = %v, want %v", got, tc.roster)
				}
			}
			if q := c.QuorumOn(d); q.RosterSize != len(tc.roster) || q.Required != tc.required {
				t.Fatalf("quorum = %+v, want %d of %d", q, tc.required, len(tc.roster))
			}
		})
	}
}

func TestChair(t *testing.T) {
	c := alescoCommittee(t)
	for _, tc := range []struct {
		date, chair string
		due         bool
	}{
		{"2024-07-24", "cody-robertson", false},
		{"2024-11-08", "cody-robertson", true}, // six months after 2024-05-08
		{"2025-08-19", "cody-robertson", true},
		{"2025-08-20", "andrew-lukoshko", false},
		{"2026-02-19", "andrew-lukoshko", false},
		{"2026-02-20", "andrew-lukoshko", true},
	} {
		ch, ok := c.ChairOn(alescotest.Date(tc.date))
		if !ok || ch.MemberID != tc.chair {
			t.Errorf("%s: chair = %q, want %q", tc.date, ch.MemberID, tc.chair)
		}
		if due, reason := c.ChairElectionDue(alescotest.Date(tc.date)); due != tc.due {
			t.Errorf("%s: election due = %v (%s), want %v", tc.date, due, reason, tc.due)
		}
	}
	if _, ok := c.ChairOn(alescotest.Date("2024-01-01")); ok {
		t.Error("no chair before the committee existed")
	}
}

func TestTerm(t *testing.T) {
	term := alesco.Term{Start: alescotest.Date("2024-05-08"), End: alescotest.Date("2025-07-31")}
	for _, tc := range []struct {
		d    string
		want bool
	}{{"2024-05-07", false}, {"2024-05-08", true}, {"2025-07-30", true}, {"2025-07-31", false}} {
		if got := term.Contains(alescotest.Date(tc.d)); got != tc.want {
			t.Errorf("Contains(%s) = %v, want %v", tc.d, got, tc.want)
		}
	}
}

func TestParseMeetingID(t *testing.T) {
	reg := alesco.NewCommittees([]*alesco.Committee{{ID: "alesco"}, {ID: "core-sig"}})
	for _, tc := range []struct {
		id, committee, date string
		n                   int
		ok                  bool
	}{
		{"alesco-2026-12-03", "alesco", "2026-12-03", 1, true},
		{"alesco-2026-12-03-2", "alesco", "2026-12-03", 2, true},
		{"core-sig-2026-01-31", "core-sig", "2026-01-31", 1, true},
		{"core-sig-2026-01-31-3", "core-sig", "2026-01-31", 3, true},
		{"alesco-2026-13-03", "", "", 0, false},
		{"alesco-2026-12-03-1", "", "", 0, false},
		{"nope-2026-12-03", "", "", 0, false},
		{"2026-12-03", "", "", 0, false},
		{"", "", "", 0, false},
		{"alesco-2026-12-03-x", "", "", 0, false},
	} {
		c, d, n, err := reg.ParseMeetingID(tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("ParseMeetingID(%q) err = %v, want ok=%v", tc.id, err, tc.ok)
			continue
		}
		if tc.ok && (c.ID != tc.committee || d.String() != tc.date || n != tc.n) {
			t.Errorf("ParseMeetingID(%q) = %s %s %d", tc.id, c.ID, d, n)
		}
	}
}

func TestDate(t *testing.T) {
	d := alescotest.Date("2026-01-31")
	if got := d.AddMonths(1).String(); got != "2026-03-03" {
		t.Errorf("AddMonths = %s", got)
	}
	if got := d.AddDays(30).String(); got != "2026-03-02" {
		t.Errorf("AddDays = %s", got)
	}
	if got := alescotest.Date("2026-03-01").DaysUntil(alescotest.Date("2026-04-01")); got != 31 {
		t.Errorf("DaysUntil = %d", got)
	}
	for _, bad := range []string{"2026-02-30", "26-01-01", "2026/01/01", ""} {
		if _, err := alesco.ParseDate(bad); alesco.ErrorCode(err) != alesco.EINVALID {
			t.Errorf("ParseDate(%q) err = %v, want EINVALID", bad, err)
		}
	}
}

func TestVoterAndTieBreaker(t *testing.T) {
	c := alescoCommittee(t)
	d := alescotest.Date("2026-06-04") // roster of four; Lance not yet a member
	if _, err := c.Voter("lance-albertson", d); alesco.ErrorCode(err) != alesco.EFORBIDDEN {
		t.Errorf("Lance voting on 2026-06-04: %v, want EFORBIDDEN", err)
	}
	if m, err := c.Voter("neal-gompa", d); err != nil || m.Name != "Neal Gompa" {
		t.Errorf("Neal voting: %v, %v", m, err)
	}
	for _, tc := range []struct {
		name               string
		member, designated string
		selfCast           bool
		want               string
		wantChair          bool
		code               string
	}{
		{"chair by default", "", "", false, "andrew-lukoshko", true, ""},
		{"chair casting", "andrew-lukoshko", "", true, "andrew-lukoshko", true, ""},
		{"designated member casting", "neal-gompa", "neal-gompa", true, "neal-gompa", false, ""},
		{"undesignated member casting", "neal-gompa", "", true, "", false, alesco.EFORBIDDEN},
		{"staff designating a member", "neal-gompa", "", false, "neal-gompa", false, ""},
		{"non-member", "lance-albertson", "", false, "", false, alesco.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, isChair, err := c.TieBreaker(d, tc.member, tc.designated, tc.selfCast)
			if alesco.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			if err == nil && (m.ID != tc.want || isChair != tc.wantChair) {
				t.Fatalf("= %s chair=%v, want %s chair=%v", m.ID, isChair, tc.want, tc.wantChair)
			}
		})
	}
	if _, _, err := c.TieBreaker(alescotest.Date("2024-01-01"), "", "", false); alesco.ErrorCode(err) != alesco.EPRECONDITION {
		t.Errorf("no chair: %v, want EPRECONDITION", err)
	}
}

func TestCloseOutcome(t *testing.T) {
	q := alesco.Quorum{RosterSize: 5, Required: 4}
	yes := alesco.VoteYes
	for _, tc := range []struct {
		name      string
		present   int
		tally     alesco.Tally
		deciding  *alesco.VoteValue
		override  alesco.MotionOutcome
		want      alesco.MotionOutcome
		unanimous bool
		code      string
	}{
		{"computed, unanimous", 4, alesco.Tally{Yes: 4}, nil, alesco.OutcomeNone, alesco.OutcomePassed, true, ""},
		{"tie broken by the chair", 4, alesco.Tally{Yes: 2, No: 2}, &yes, alesco.OutcomeNone, alesco.OutcomePassed, false, ""},
		{"punted without quorum", 3, alesco.Tally{}, nil, alesco.OutcomePunted, alesco.OutcomePunted, false, ""},
		{"tabled", 4, alesco.Tally{Yes: 1}, nil, alesco.OutcomeTabled, alesco.OutcomeTabled, false, ""},
		{"override needs quorum", 3, alesco.Tally{Yes: 3}, nil, alesco.OutcomePassed, "", false, alesco.EPRECONDITION},
		{"override to rejected", 4, alesco.Tally{Yes: 4}, nil, alesco.OutcomeRejected, alesco.OutcomeRejected, false, ""},
		{"unknown override", 4, alesco.Tally{}, nil, alesco.MotionOutcome("vetoed"), "", false, alesco.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, unanimous, err := alesco.CloseOutcome(q, tc.present, tc.tally, tc.deciding, tc.override)
			if alesco.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %q", err, tc.code)
			}
			if err == nil && (got != tc.want || unanimous != tc.unanimous) {
				t.Fatalf("= %v unanimous=%v, want %v %v", got, unanimous, tc.want, tc.unanimous)
			}
		})
	}
}
