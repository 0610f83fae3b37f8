package alesco_test

import (
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// The real record: Andrew Lukoshko was elected on 2025-08-20 and
// re-elected on 2026-03-12; a third term in a row is barred.
func TestChairTermLimit(t *testing.T) {
	c := alescotest.Committee(t)
	d := alescotest.Date("2026-12-03")
	if n, since := c.ChairTermsInARow("andrew-lukoshko", d); n != 2 || since != alescotest.Date("2025-08-20") {
		t.Fatalf("Andrew's terms in a row on %s: %d since %s, want 2 since 2025-08-20", d, n, since)
	}
	if due, reason := c.ChairElectionDue(d); !due || reason != "the chair's term ran out on 2026-09-12" {
		t.Errorf("election due: %v, %q", due, reason)
	}
	err := c.ChairMayStand("andrew-lukoshko", d)
	wantErr(t, err, alesco.EPRECONDITION, `Andrew Lukoshko cannot stand again: "the chair cannot serve more than 2 consecutive terms (1 year) as chair" (charter); they have chaired since 2025-08-20, 2 terms in a row`)
	if err := c.ChairMayStand("jonathan-wright", d); err != nil {
		t.Errorf("Jonathan may stand: %v", err)
	}
	// On 2026-03-12 he could stand: one term in a row before it.
	if err := c.ChairMayStand("andrew-lukoshko", alescotest.Date("2026-03-11")); err != nil {
		t.Errorf("re-election on 2026-03-12 was allowed: %v", err)
	}

	_, m := draft(t, four...)
	m.Date = d
	_, err = m.Propose(c, alesco.MotionSpec{Kind: alesco.MotionElectChair, Subject: "andrew"}, recordNow)
	wantErr(t, err, alesco.EPRECONDITION, "Andrew Lukoshko cannot stand again")
	mo, err := m.Propose(c, alesco.MotionSpec{Kind: alesco.MotionElectChair, Subject: "jonathan"}, recordNow)
	if err != nil || mo.Title != "Elect Jonathan Wright as ALESCo chair" || mo.SubjectID != "jonathan-wright" {
		t.Fatalf("election motion: %+v, %v", mo, err)
	}
}

// Decisions on record change the committee from their meeting's date; the
// configuration stays the seed.
func TestWithDecisions(t *testing.T) {
	seed := alescotest.Committee(t)
	dec := func(kind alesco.MotionKind, date, id, name string) alesco.RosterDecision {
		return alesco.RosterDecision{MeetingID: "alesco-" + date, Date: alescotest.Date(date), Kind: kind, MemberID: id, Name: name}
	}
	c := seed.WithDecisions([]alesco.RosterDecision{
		dec(alesco.MotionElectChair, "2026-12-03", "jonathan-wright", "Jonathan Wright"),
		dec(alesco.MotionAppoint, "2026-12-03", "", "Luna Jernberg"),
		dec(alesco.MotionRemove, "2026-12-17", "ben-thomas", "Ben Thomas"),
	})
	if seed.Chairs[len(seed.Chairs)-1].End != (alesco.Date{}) || len(seed.Members) != 7 {
		t.Fatal("WithDecisions changed the seed")
	}
	chairOn := func(date string) string {
		tm, _ := c.ChairOn(alescotest.Date(date))
		return tm.MemberID
	}
	if chairOn("2026-12-02") != "andrew-lukoshko" || chairOn("2026-12-03") != "jonathan-wright" {
		t.Errorf("chair on 12-02 %s, on 12-03 %s", chairOn("2026-12-02"), chairOn("2026-12-03"))
	}
	last := c.Chairs[len(c.Chairs)-1]
	if last.StartedIn != "alesco-2026-12-03" || c.Chairs[len(c.Chairs)-2].EndedIn != "alesco-2026-12-03" {
		t.Errorf("chair terms: %+v", c.Chairs)
	}
	if due, _ := c.ChairElectionDue(alescotest.Date("2026-12-17")); due {
		t.Error("an election is still due after one was held")
	}
	luna, ok := c.Member("luna-jernberg")
	if !ok || !luna.IsMemberOn(alescotest.Date("2026-12-03")) || luna.Terms[0].StartedIn != "alesco-2026-12-03" {
		t.Fatalf("appointed member: %+v", luna)
	}
	if q := c.QuorumOn(alescotest.Date("2026-12-03")); q.RosterSize != 6 || q.Required != 4 {
		t.Errorf("quorum with 6 members: %+v", q)
	}
	ben, _ := c.Member("ben-thomas")
	if ben.IsMemberOn(alescotest.Date("2026-12-17")) || !ben.IsMemberOn(alescotest.Date("2026-12-16")) {
		t.Errorf("removed member's terms: %+v", ben.Terms)
	}
	// Re-elected once (allowed), then a third time (barred).
	c2 := c.WithDecisions([]alesco.RosterDecision{dec(alesco.MotionElectChair, "2027-06-03", "jonathan-wright", "Jonathan Wright")})
	if err := c2.ChairMayStand("jonathan-wright", alescotest.Date("2027-12-02")); alesco.ErrorCode(err) != alesco.EPRECONDITION {
		t.Errorf("a third term in a row: %v", err)
	}
	// A decision the configuration already reflects is not applied twice:
	// Lance joined 2026-06-13 by the configuration after the vote of 06-04.
	c3 := seed.WithDecisions([]alesco.RosterDecision{dec(alesco.MotionAppoint, "2026-06-04", "", "Lance Albertson")})
	if lance, _ := c3.Member("lance-albertson"); len(lance.Terms) != 1 || lance.IsMemberOn(alescotest.Date("2026-06-04")) {
		t.Errorf("Lance's terms: %+v", lance.Terms)
	}
	if errs := c.Validate(); len(errs) != 0 {
		t.Errorf("the effective committee does not validate: %v", errs)
	}
}
